// Fails while the module loads.
throw new RangeError('cannot start: missing configuration');
