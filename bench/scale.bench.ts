// Performance at scale (issue 12), the figures of one run side by side: the replay against the floor of
// reading its input, the cost of 20,000 plans against 5,000 over the same bars, `braid serve`'s start on a
// journal of 100,000 closed trades, the Trade history's view after a closed trade on that journal, and the
// blotter of 10,000 rows under 1,000 updates a second. Each
// comes from its own bench (run alone for its details); this runs them one after the other and prints the
// table the README keeps. Part of `npm run bench`.
//
//   node bench/scale.bench.ts [TRADES=100000]
import { cpus, totalmem } from 'node:os';
import { historyViewBench } from './history-view.bench.ts';
import { planGrowthBench } from './plan-growth.bench.ts';
import { replayFloorBench } from './replay-floor.bench.ts';
import { serveStartBench } from './serve-start.bench.ts';
import { blotterBench } from './ui.bench.ts';

const trades = Number(process.argv[2] ?? 100_000);
const started = new Date().toISOString();
const floor = await replayFloorBench({ bars: 1_000_000, runs: 3 });
const growth = await planGrowthBench({ rounds: 3 });
const serve = await serveStartBench({ trades, runs: 3 });
const history = await historyViewBench({ trades });
const blotter = await blotterBench();

const s = (n: number) => `${n.toFixed(2)} s`;
const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-US');
const rows: [string, string, string, string, boolean][] = [
  [
    'replay of 1,000,000 bars, no orders, against the bare read-and-parse of the same CSV',
    `replay ${s(floor.replaySeconds)} (${perSecond(floor.bars, floor.replaySeconds)} bars/s), ` +
      `floor ${s(floor.floorSeconds)} (${perSecond(floor.bars, floor.floorSeconds)} bars/s)`,
    `${floor.ratio.toFixed(2)} of the floor`,
    '>= 0.50',
    floor.met,
  ],
  [
    '200,000 bars with 5,000 and with 20,000 plans: growth above the bars alone',
    `bars ${s(growth.barsOnlySeconds)}, 5k ${s(growth.seconds5k)}, 20k ${s(growth.seconds20k)}`,
    `${growth.growth.toFixed(2)}x for 4x the plans`,
    '<= 4.6x',
    growth.met,
  ],
  [
    `braid serve on ${trades.toLocaleString('en-US')} closed trades: first snapshot, RSS`,
    `${s(serve.seconds)}, ${serve.rssMb.toFixed(0)} MB`,
    '',
    '< 1.5 s, < 300 MB',
    serve.met,
  ],
  [
    `Trade history metrics and curve on ${trades.toLocaleString('en-US')} trades, asked after each closed trade`,
    `${history.perTradeMs.toFixed(2)} ms (p99 ${history.perTradeP99Ms.toFixed(2)} ms); computed afresh ` +
      `${history.freshMs.toFixed(0)} ms; first question ${s(history.buildSeconds)} in slices, ` +
      `longest wait ${history.longestTurnMs.toFixed(0)} ms`,
    `${(history.freshMs / history.perTradeMs).toFixed(0)}x faster`,
    '< 10 ms',
    history.met,
  ],
  [
    `blotter, ${blotter.rows.toLocaleString('en-US')} rows, 1,000 updates/s while scrolling`,
    `median ${blotter.loaded.medianFps.toFixed(1)} fps, longest frame ${blotter.loaded.longestFrameMs.toFixed(1)} ms`,
    `${(blotter.loaded.medianFps / blotter.baseline.medianFps).toFixed(3)} of the fps without updates`,
    '>= 50 fps, no frame > 100 ms',
    blotter.met,
  ],
];

console.log(
  `\nPerformance at scale, ${started}: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`,
);
console.log('| figure | measured | ratio | goal | met |');
console.log('| --- | --- | --- | --- | --- |');
for (const [what, measured, ratio, goal, met] of rows)
  console.log(`| ${what} | ${measured} | ${ratio} | ${goal} | ${met ? 'yes' : 'NO'} |`);
if (rows.some((r) => !r[4])) process.exitCode = 1;
