// A decision layer around the fraud-xgb model, written as a Tetra JS model:
// it asks fraud-xgb for the probability, then applies the rules a payments
// team keeps outside the model (hard limits, step-up for risky contexts).

/** Probability at or above which a payment is declined outright. */
const DECLINE_AT = 0.8;

export const outputs = {
  decision: 'string',
  fraud_probability: 'float64',
  reason: 'string',
};

export async function load({ options, infer }) {
  return { reviewAt: Number(options.review_at ?? 0.33), infer };
}

export async function predict(batch, state) {
  const scores = await state.infer('fraud-xgb', batch);
  return batch.map((tx, i) => decide(tx, scores[i].fraud_probability, state.reviewAt));
}

function decide(tx, p, reviewAt) {
  if (p >= DECLINE_AT) return { decision: 'decline', fraud_probability: p, reason: 'model score' };
  if (tx.amount >= 5000 && tx.is_foreign) return { decision: 'review', fraud_probability: p, reason: 'large foreign payment' };
  if (p >= reviewAt) return { decision: 'review', fraud_probability: p, reason: 'model score' };
  return { decision: 'approve', fraud_probability: p, reason: '' };
}
