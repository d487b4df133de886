/**
 * ed25519 key pairs in OpenSSH format (as `ssh -i` and authorized_keys read them): one per session (the
 * public half goes to the instance, the private half to the caller, once), and the local SSH endpoints' host keys.
 */
import ssh2 from 'ssh2';

export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

/**
 * ssh2 (1.17) strips leading zero bytes from the raw ed25519 public key when it encodes a new pair, so
 * about one pair in 100 comes out malformed (196 of 20,000 here) (public or private half; mscdex/ssh2#1390, #1513, open).
 * Such a pair is thrown away and another made: each attempt is independent, so a few suffice.
 */
export function generateEd25519KeyPair(comment = ''): SshKeyPair {
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    const wellFormed =
      !(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error);
    if (wellFormed) return { privateKey: pair.private, publicKey: pair.public };
    if (attempt >= 16) throw new Error('could not generate a well-formed ed25519 key pair');
  }
}

/**
 * An OpenSSH public key line (`<type> <base64> [comment]`) normalised to one line, or undefined when it is
 * not one a private key could match (what `authorized_keys` would accept; private keys are refused).
 */
export function parsePublicKey(text: string): string | undefined {
  const line = text.trim();
  if (line.includes('\n') || !/^(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?$/.test(line)) return undefined;
  const parsed = ssh2.utils.parseKey(line);
  if (parsed instanceof Error || parsed.isPrivateKey()) return undefined;
  return line;
}
