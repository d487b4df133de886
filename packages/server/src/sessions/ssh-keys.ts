/**
 * One key pair per session, made by the server: the public half goes to the provider's instance, the
 * private half to the caller, once (ed25519, OpenSSH format, as `ssh -i` reads it).
 */
import ssh2 from 'ssh2';

export interface SessionKeyPair {
  privateKey: string;
  publicKey: string;
}

export function generateSessionKeyPair(comment: string): SessionKeyPair {
  const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
  return { privateKey: pair.private, publicKey: pair.public };
}
