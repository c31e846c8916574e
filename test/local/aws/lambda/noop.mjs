// Does nothing: for measuring the invoke round trip.
export const handler = async () => 'ok';
