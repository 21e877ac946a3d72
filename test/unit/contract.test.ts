// The contract as behaviour: what the schemas accept and refuse, and that the host answers every command
// name of the contract with a handler of its own (and only those names).
import { describe, expect, it } from 'vitest';
import { exportTrades } from '../../src/main/engine/history/hash-chain.ts';
import { createEngine } from '../../src/main/engine/kernel.ts';
import { createHost } from '../../src/main/host/host.ts';
import {
  COMMAND_NAMES,
  type CommandArgs,
  type CommandName,
  parseCommand,
} from '../../src/shared/contract.ts';
import type { Result } from '../../src/shared/result.ts';
import { clientMessageSchema } from '../../src/shared/schemas.ts';

const T0 = Date.parse('2024-03-04T14:30:00Z');

const plan = { symbol: 'AAPL', side: 'buy', entry: { type: 'market' } } as const;

describe('command schemas', () => {
  it('accepts valid args and gives them back parsed', () => {
    expect(parseCommand('approve', { planId: 'p-1' })).toEqual({
      ok: true,
      value: { name: 'approve', args: { planId: 'p-1' } },
    });
    expect(parseCommand('reject', { planId: 'p-1', reason: 'too late' }).ok).toBe(true);
    expect(parseCommand('kill', {}).ok).toBe(true);
    expect(parseCommand('setTradingState', { state: 'REDUCING' }).ok).toBe(true);
    expect(parseCommand('exportHistory', { format: 'json' }).ok).toBe(true);
    expect(parseCommand('setLessonState', { lessonId: 'l-1', state: 'dismissed' }).ok).toBe(true);
    expect(parseCommand('setPin', { pin: '123456', currentPin: '0000' }).ok).toBe(true);
  });

  it('treats missing args of an empty command as {}', () => {
    expect(parseCommand('getSnapshot', undefined)).toEqual({
      ok: true,
      value: { name: 'getSnapshot', args: {} },
    });
  });

  it('turns decimals given as numbers into strings', () => {
    const parsed = parseCommand('submitPlan', {
      plan: { ...plan, quantity: 10, stopLoss: 185.5, takeProfit: '200.25', trailPct: 0.02 },
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        name: 'submitPlan',
        args: {
          plan: { ...plan, quantity: '10', stopLoss: '185.5', takeProfit: '200.25', trailPct: '0.02' },
        },
      },
    });
  });

  it('refuses wrong input with an error that names the field', () => {
    const cases: Array<[string, unknown, string]> = [
      ['approve', { planId: 7 }, 'planId'],
      ['submitPlan', { plan: { ...plan, entry: { type: 'limit' } } }, 'plan.entry.price'],
      ['submitPlan', { plan: { ...plan, quantity: -5 } }, 'plan.quantity'],
      ['submitPlan', { plan: { ...plan, stopLoss: '12abc' } }, 'plan.stopLoss'],
      ['submitPlan', { plan: { ...plan, trailPct: 2 } }, 'plan.trailPct'],
    ];
    for (const [name, args, field] of cases) {
      const r = parseCommand(name, args);
      expect(r.ok ? null : r.error.code, field).toBe('invalid_input');
      expect(r.ok ? '' : r.error.message, field).toContain(`${field}: `);
    }
  });

  it('refuses unknown keys instead of dropping them', () => {
    const extra = parseCommand('kill', { force: true });
    expect(extra.ok).toBe(false);
    expect(extra.ok ? '' : extra.error.code).toBe('invalid_input');
    expect(parseCommand('submitPlan', { plan: { ...plan, id: 'mine' } }).ok).toBe(false);
  });

  it('checks the PIN format: 4 to 12 digits', () => {
    expect(parseCommand('setPin', { pin: '1234' }).ok).toBe(true);
    expect(parseCommand('setPin', { pin: '123456789012' }).ok).toBe(true);
    for (const pin of ['123', '1234567890123', '12a4', ' 1234', 1234]) {
      const r = parseCommand('setPin', { pin });
      expect(r.ok, String(pin)).toBe(false);
    }
  });

  it('refuses an unknown command, including inherited object keys', () => {
    expect(parseCommand('launchMissiles', {})).toEqual({
      ok: false,
      error: { code: 'unknown_command', message: 'unknown command: launchMissiles' },
    });
    expect(parseCommand('toString', {}).ok).toBe(false);
    expect(parseCommand('__proto__', {}).ok).toBe(false);
    expect(parseCommand(42, {}).ok).toBe(false);
  });
});

describe('the host handles every command of the contract', () => {
  // One valid call per command; the type makes the table name every command (and no other).
  const calls: { [N in CommandName]: CommandArgs<N> } = {
    getSnapshot: {},
    previewPlan: { plan: { ...plan, stopLoss: 175 } },
    submitPlan: { plan: { ...plan, stopLoss: 175 }, review: true },
    approve: { planId: 'manual-1' },
    reject: { planId: 'manual-1', reason: 'late' },
    cancelPlan: { planId: 'manual-1' },
    cancelOrder: { orderId: 'manual-1:E1' },
    modifyOrder: { orderId: 'manual-1:E1', price: '170' },
    testVenue: { venue: 'paper' },
    setVenueCredentials: { venue: 'kraken', apiKey: 'k', apiSecret: 's' },
    closePosition: { symbol: 'AAPL' },
    setTradingState: { state: 'REDUCING' },
    kill: {},
    resume: {},
    queryHistory: {},
    tradeHistory: { symbol: 'AAPL', sort: { key: 'pnl', dir: 'asc' }, offset: 0, limit: 50 },
    setPin: { pin: '1234' },
    armLive: { pin: '1234' },
    disarmLive: {},
    exportHistory: { format: 'csv' },
    submitPlans: {
      plans: [{ id: 'up-1', symbol: 'AAPL', side: 'buy', entry: { type: 'market' }, quantity: '1' }],
    },
    setLessonState: { lessonId: 'l-9', state: 'active' },
  };

  function host() {
    const r = createEngine({ config: { approval: 'manual' }, symbols: ['AAPL'] });
    if (!r.ok) throw new Error(r.error.message);
    const engine = r.value;
    engine.onBar({
      time: T0,
      symbol: 'AAPL',
      open: '180',
      high: '181',
      low: '179',
      close: '180',
      volume: '1',
    });
    return createHost({ engine, now: () => T0 + 60_000, wallNow: () => T0, exportTrades, log: () => {} });
  }

  it('answers each one with a Result of its own (never unknown_command or a crash)', async () => {
    const h = host();
    expect(COMMAND_NAMES.filter((name) => !Object.hasOwn(calls, name))).toEqual([]);
    for (const name of COMMAND_NAMES) {
      const r = (await h.invoke(name, calls[name] as never)) as Result<unknown> | undefined;
      expect(typeof r?.ok, name).toBe('boolean');
      // Refusals are the command's own (unknown_plan, pin_not_set...), after its args were accepted.
      if (r && !r.ok)
        expect(['unknown_command', 'invalid_input', 'internal'], name).not.toContain(r.error.code);
    }
    await h.close();
  });

  it('answers unknown_command to any other name', async () => {
    const h = host();
    for (const name of ['launchMissiles', 'toString', '__proto__', 'constructor']) {
      const r = await h.invoke(name as CommandName, {} as never);
      expect(r.ok ? null : r.error.code, name).toBe('unknown_command');
    }
    await h.close();
  });
});

describe('WebSocket client messages', () => {
  it('accepts an invoke and refuses anything else', () => {
    expect(clientMessageSchema.safeParse({ kind: 'invoke', id: 1, name: 'kill', args: {} }).success).toBe(
      true,
    );
    expect(clientMessageSchema.safeParse({ kind: 'invoke', id: 'a', name: 'kill' }).success).toBe(true);
    expect(clientMessageSchema.safeParse({ kind: 'eval', id: 1, name: 'kill' }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ kind: 'invoke', id: 1.5, name: 'kill' }).success).toBe(false);
    expect(clientMessageSchema.safeParse({ kind: 'invoke', name: 'kill' }).success).toBe(false);
  });
});
