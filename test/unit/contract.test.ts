import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, commandSchemas, parseCommand } from '../../src/shared/contract.ts';
import { clientMessageSchema } from '../../src/shared/schemas.ts';

const plan = { symbol: 'AAPL', side: 'buy', entry: { type: 'market' } };

describe('command schemas', () => {
  it('cover every command of the contract', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(
      [
        'approve',
        'armLive',
        'cancelPlan',
        'closePosition',
        'disarmLive',
        'exportHistory',
        'getSnapshot',
        'kill',
        'reject',
        'resume',
        'setLessonState',
        'setPin',
        'setTradingState',
        'submitPlan',
      ].sort(),
    );
  });

  it('accepts valid args and gives them back parsed', () => {
    expect(parseCommand('approve', { planId: 'p-1' })).toEqual({
      ok: true,
      value: { name: 'approve', args: { planId: 'p-1' } },
    });
    expect(parseCommand('reject', { planId: 'p-1', reason: 'too late' }).ok).toBe(true);
    expect(parseCommand('kill', {}).ok).toBe(true);
    expect(parseCommand('setTradingState', { state: 'REDUCING' }).ok).toBe(true);
    expect(parseCommand('exportHistory', { format: 'json' }).ok).toBe(true);
    expect(parseCommand('setLessonState', { lessonId: 'l-1', enabled: false }).ok).toBe(true);
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
    expect(parseCommand('approve', { planId: 7 })).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'approve: planId: Invalid input: expected string, received number',
      },
    });
    const noPrice = parseCommand('submitPlan', { plan: { ...plan, entry: { type: 'limit' } } });
    expect(noPrice).toEqual({
      ok: false,
      error: {
        code: 'invalid_input',
        message: 'submitPlan: plan.entry.price: a limit or stop entry needs a price',
      },
    });
    const negative = parseCommand('submitPlan', { plan: { ...plan, quantity: -5 } });
    expect(negative.ok ? '' : negative.error.message).toBe(
      'submitPlan: plan.quantity: must be greater than 0',
    );
    const notDecimal = parseCommand('submitPlan', { plan: { ...plan, stopLoss: '12abc' } });
    expect(notDecimal.ok ? '' : notDecimal.error.message).toBe(
      'submitPlan: plan.stopLoss: expected a decimal number',
    );
    const trail = parseCommand('submitPlan', { plan: { ...plan, trailPct: 2 } });
    expect(trail.ok ? '' : trail.error.message).toBe(
      'submitPlan: plan.trailPct: trailPct must be below 1 (0.02 = 2%)',
    );
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

  it('has a schema for each name and nothing else', () => {
    for (const name of COMMAND_NAMES) expect(typeof commandSchemas[name].safeParse).toBe('function');
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
