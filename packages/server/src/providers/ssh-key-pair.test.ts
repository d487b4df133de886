import { describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import { generateEd25519KeyPair, parsePublicKey } from './ssh-key-pair.js';

describe('generateEd25519KeyPair', () => {
  it('always yields a pair both halves of which parse (ssh2 alone gets about 1 in 100 wrong)', () => {
    // 3,000 pairs: with ssh2's bug and no check, about 30 would be malformed (196 of 20,000 measured).
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const pair = generateEd25519KeyPair(`sess-${i}`);
      for (const half of [pair.publicKey, pair.privateKey]) {
        const parsed = ssh2.utils.parseKey(half);
        if (parsed instanceof Error) failures.push(`${parsed.message}: ${half.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('makes OpenSSH text with the comment, and a private key that matches its public key', () => {
    const pair = generateEd25519KeyPair('sess-abc');
    expect(pair.publicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} sess-abc$/);
    expect(pair.privateKey).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const priv = ssh2.utils.parseKey(pair.privateKey) as ssh2.ParsedKey;
    const pub = ssh2.utils.parseKey(pair.publicKey) as ssh2.ParsedKey;
    expect(priv.getPublicSSH().equals(pub.getPublicSSH())).toBe(true);
  });
});

describe('parsePublicKey', () => {
  it('accepts an OpenSSH public key line (trimmed) and refuses private keys, two keys in one, and text', () => {
    const pair = generateEd25519KeyPair('member@lab');
    expect(parsePublicKey(`  ${pair.publicKey}\n`)).toBe(pair.publicKey);
    expect(parsePublicKey(pair.privateKey)).toBeUndefined();
    expect(parsePublicKey(`${pair.publicKey}\n${pair.publicKey}`)).toBeUndefined();
    expect(parsePublicKey('ssh-ed25519 AAAAnot-base64-of-a-key')).toBeUndefined();
    expect(parsePublicKey('hello')).toBeUndefined();
  });
});
