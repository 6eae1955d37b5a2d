/** zod building blocks the components' config slices share. */
import { z } from 'zod';

const nonEmpty = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
/** An environment variable that counts as unset when empty or blank. */
export const optionalString = z.string().optional().transform(nonEmpty);
export const Count = z.number().int().positive();
