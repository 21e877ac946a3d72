// The floor of a replay (issue 12 figure 1): the least any reader of a prices CSV must do, as a whole
// process. Read the file, split lines and fields, parse every number (Date.parse of the time, Number() of
// open/high/low/close/volume); no checks, no engine. bench/replay-floor.bench.ts times `braid replay`
// against it.
//
//   node bench/floor.ts FILE     prints the number of rows read
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node bench/floor.ts PRICES.csv');
  process.exit(2);
}
const lines = readFileSync(file, 'utf8').split('\n');
let rows = 0;
// A sum of what was parsed, so that no parse is dead code the compiler may drop.
let sum = 0;
for (let i = 1; i < lines.length; i++) {
  const line = lines[i]!;
  if (line === '') continue;
  const f = line.split(',');
  sum += Date.parse(f[0]!) + Number(f[2]) + Number(f[3]) + Number(f[4]) + Number(f[5]) + Number(f[6]);
  rows++;
}
if (Number.isNaN(sum)) console.error('floor: some field did not parse');
console.log(rows);
