// Leaves of the checkpoint schemas: what each part's saved state is made of. A checkpoint is read whole
// and checked before any of it is applied (checkpoint.ts).
import { z } from 'zod';
import { DECIMAL_PATTERN } from '../../shared/domain/decimal.ts';

export const decimalText = z.string().regex(DECIMAL_PATTERN, 'expected a decimal number');
export const epochMs = z.number().finite();
export const count = z.number().int().nonnegative();
export const cancelAsSchema = z.enum(['cancelled', 'expired']);
