import type { CustomPrice } from '@pag/contracts';
import { asc, eq } from 'drizzle-orm';
import { usageCustomPrices } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { cachedRead } from '../read-cache/read-cache.ts';

/**
 * A user's own prices for their OpenAI-compatible endpoint's models (docs/api-prices.md §4). Through the request
 * cache: the usage ledger prices each batch in a scope of its own (docs/request-cache.md).
 */
export const listCustomPrices: (context: DomainContext, userId: string) => Promise<readonly CustomPrice[]> = cachedRead(
  'custom-prices',
  async (context: DomainContext, userId: string) => {
    const rows = await context.db
      .select()
      .from(usageCustomPrices)
      .where(eq(usageCustomPrices.userId, userId))
      .orderBy(asc(usageCustomPrices.model));
    return rows.map((row) => ({
      model: row.model,
      input: row.inputPerMillion,
      cachedInput: row.cachedInputPerMillion,
      output: row.outputPerMillion,
    }));
  },
);

/**
 * Replaces the user's custom prices with the given list, in one transaction, and returns the list as that
 * transaction left it (a concurrent replace cannot slip in between). They price rows recorded from now on; rows
 * already in the ledger keep the price they were given.
 */
export async function replaceCustomPrices(
  context: DomainContext,
  input: { userId: string; prices: readonly CustomPrice[] },
): Promise<CustomPrice[]> {
  const models = input.prices.map((price) => price.model.replace(/^openai\//, ''));
  const duplicate = models.find((model, index) => models.indexOf(model) !== index);
  if (duplicate != null) {
    throw new GatewayError('invalid_request', `"${duplicate}" is priced twice: give each model one price`);
  }
  const updatedAt = new Date(context.now());
  return withTransaction(context.db, async (tx) => {
    await tx.delete(usageCustomPrices).where(eq(usageCustomPrices.userId, input.userId));
    if (input.prices.length > 0) {
      await tx.insert(usageCustomPrices).values(
        input.prices.map((price, index) => ({
          userId: input.userId,
          model: models[index] as string,
          inputPerMillion: price.input,
          cachedInputPerMillion: price.cachedInput,
          outputPerMillion: price.output,
          updatedAt,
        })),
      );
    }
    return [...(await listCustomPrices({ ...context, db: tx }, input.userId))];
  });
}
