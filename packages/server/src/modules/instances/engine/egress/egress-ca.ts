/**
 * The per-deployment certificate authority of the egress proxy (node-forge for the X.509 work; keys from
 * Node's crypto, which is much faster than forge's JavaScript RSA): made once and kept in
 * `<dir>/ca.pem` and `<dir>/ca.key` (0600). Guests trust `ca.pem`; the proxy presents a leaf certificate
 * per destination host, signed by it and cached.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import forge from 'node-forge';

const pems = () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

function certificate(subject: string, publicKeyPem: string, days: number) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 3_600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  return cert;
}

export async function loadEgressCa(dir: string) {
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca.key');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { key, pub } = pems();
    const cert = certificate('Computeplane egress CA', pub, 3650);
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ]);
    cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
    await writeFile(keyPath, key, { mode: 0o600 });
    await writeFile(certPath, forge.pki.certificateToPem(cert), { mode: 0o644 });
  }
  const caCert = forge.pki.certificateFromPem(await readFile(certPath, 'utf8'));
  const caKey = forge.pki.privateKeyFromPem(await readFile(keyPath, 'utf8'));
  const leafKeys = pems();
  const leaves = new Map<string, string>();
  return {
    certPath,
    leafKey: leafKeys.key,
    /** A certificate for `host` (a name or an IP address), signed by the CA; cached per host. */
    leafFor(host: string): string {
      const cached = leaves.get(host);
      if (cached) return cached;
      const cert = certificate(host, leafKeys.pub, 365);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }] },
      ]);
      cert.sign(caKey, forge.md.sha256.create());
      const pem = forge.pki.certificateToPem(cert);
      leaves.set(host, pem);
      return pem;
    },
  };
}

export type EgressCa = Awaited<ReturnType<typeof loadEgressCa>>;
