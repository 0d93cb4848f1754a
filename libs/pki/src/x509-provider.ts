import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// Every module reaches @peculiar/x509 through this file so that its crypto is always node's
// WebCrypto (OpenSSL underneath) and never a JavaScript fallback.
x509.cryptoProvider.set(webcrypto);

export { x509 };
