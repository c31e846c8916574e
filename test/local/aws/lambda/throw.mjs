// Fails the way a handler bug does.
class PaymentDeclined extends Error {}

export const handler = async (event) => {
  console.log('about to fail for', JSON.stringify(event));
  throw new PaymentDeclined(`declined: ${event.reason ?? 'no reason'}`);
};
