import type { CustomPrice } from '@pag/contracts';
import { asc, eq } from 'drizzle-orm';
import { usageCustomPrices } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';

/** A user's own prices for their OpenAI-compatible endpoint's models (docs/api-prices.md §4). */
export function listCustomPrices(context: DomainContext, userId: string): CustomPrice[] {
  return context.db
    .select()
    .from(usageCustomPrices)
    .where(eq(usageCustomPrices.userId, userId))
    .orderBy(asc(usageCustomPrices.model))
    .all()
    .map((row) => ({
      model: row.model,
      input: row.inputPerMillion,
      cachedInput: row.cachedInputPerMillion,
      output: row.outputPerMillion,
    }));
}

/**
 * Replaces the user's custom prices with the given list, in one transaction. They price rows recorded from now on;
 * rows already in the ledger keep the price they were given.
 */
export function replaceCustomPrices(
  context: DomainContext,
  input: { userId: string; prices: readonly CustomPrice[] },
): CustomPrice[] {
  const models = input.prices.map((price) => price.model.replace(/^openai\//, ''));
  const duplicate = models.find((model, index) => models.indexOf(model) !== index);
  if (duplicate != null) {
    throw new GatewayError('invalid_request', `"${duplicate}" is priced twice: give each model one price`);
  }
  const updatedAt = new Date(context.now());
  context.db.transaction((transaction) => {
    transaction.delete(usageCustomPrices).where(eq(usageCustomPrices.userId, input.userId)).run();
    if (input.prices.length === 0) return;
    transaction
      .insert(usageCustomPrices)
      .values(
        input.prices.map((price, index) => ({
          userId: input.userId,
          model: models[index] as string,
          inputPerMillion: price.input,
          cachedInputPerMillion: price.cachedInput,
          outputPerMillion: price.output,
          updatedAt,
        })),
      )
      .run();
  });
  return listCustomPrices(context, input.userId);
}
