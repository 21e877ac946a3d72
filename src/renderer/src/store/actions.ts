// Operator commands. Each returns the engine's Result; a refusal also shows as a toast, so no click
// fails silently. State changes arrive as pushed events, never from these return values.

import type { CommandArgs, CommandName, CommandResults } from '../../../shared/contract.ts';
import type { LessonState } from '../../../shared/domain/learning.ts';
import type { Result } from '../../../shared/result.ts';
import { invoke } from '../api/client.ts';
import { plainError } from '../lib/errors.ts';
import { pushToast } from './store.ts';

export async function command<N extends CommandName>(
  name: N,
  args: CommandArgs<N>,
): Promise<Result<CommandResults[N]>> {
  const result = await invoke(name, args);
  if (!result.ok) pushToast('error', result.error.code, plainError(result.error));
  return result;
}

/** The same without the toast: for a form that shows the refusal beside its own field. */
export const ask = <N extends CommandName>(
  name: N,
  args: CommandArgs<N>,
): Promise<Result<CommandResults[N]>> => invoke(name, args);

export const approvePlan = (planId: string) => command('approve', { planId });
export const rejectPlan = (planId: string) => command('reject', { planId, reason: 'operator' });
export const cancelPlan = (planId: string) => command('cancelPlan', { planId });
/** Cancels one working order: an entry, a single bracket leg, an exit. */
export const cancelOrder = (orderId: string) => command('cancelOrder', { orderId });
/** Moves a working order (the chart's drag): a refusal shows as a toast. */
export const modifyOrderPrice = (orderId: string, price: string) =>
  command('modifyOrder', { orderId, price });
/** Closes the whole position, or `quantity` of it (a decimal string). */
export const closePosition = (symbol: string, quantity?: string) =>
  command('closePosition', quantity === undefined ? { symbol } : { symbol, quantity });
export const killSwitch = () => command('kill', {});
export const resumeTrading = () => command('resume', {});
export const setReducing = (on: boolean) => command('setTradingState', { state: on ? 'REDUCING' : 'ACTIVE' });
export const setLessonState = (lessonId: string, state: LessonState) =>
  command('setLessonState', { lessonId, state });
