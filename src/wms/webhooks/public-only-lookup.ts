import { lookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { addressProblem } from './webhook-target';

/** A webhook host whose name resolves to an address it may not reach. */
export class RefusedTargetError extends Error {
  readonly code = 'EWEBHOOKTARGET';
}

/**
 * The DNS look-up of a delivery's socket: it refuses a name with any address in a refused range,
 * and the connection goes to the address checked here, so a name that changes between check and
 * connect (DNS rebinding) cannot slip through.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '');
    for (const { address } of addresses) {
      const reason = addressProblem(address);
      if (reason)
        return callback(
          new RefusedTargetError(`${hostname} resolves to ${address}, ${reason}`),
          '',
        );
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    callback(null, first.address, first.family);
  });
};
