/**
 * The instances' network on runc, end to end, only with addresses of this machine: a guest with egress
 * mediation (`all`) cannot reach the host directly, only through the proxy; it sees `mock-OUTBOUND_KEY`
 * while an HTTPS echo server here receives the real header, only for the allowed host, never for another
 * host and never over plain HTTP; a PATCH of the env rotates the secret live; addresses that are not a
 * registered instance are refused by the proxy.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers, type TestDatabase } from '@computeplane/test-support/databases';
import { BUSYBOX, instancesAvailable, instancesDataDir, leftovers } from '@computeplane/test-support/instances';
import { startTestServer, type TestServer } from '@computeplane/test-support/test-server';

const data = instancesAvailable ? instancesDataDir() : { dir: '/nonexistent', remove: () => undefined };
const SUBNET = '10.231.7.0/24';
const GATEWAY = '10.231.7.1';
const PROXY_PORT = 39_128;

/** A self-signed certificate for localhost and 127.0.0.1 (the echo server's; the proxy trusts it). */
function selfSigned() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3_600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer([{ name: 'commonName', value: 'localhost' }]);
  cert.setExtensions([
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  const key = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  cert.sign(forge.pki.privateKeyFromPem(key), forge.md.sha256.create());
  return { key, cert: forge.pki.certificateToPem(cert) };
}

describe.skipIf(!instancesAvailable)('instances network and credential broker', () => {
  let db: TestDatabase;
  let server: TestServer;
  const tls = selfSigned();
  const seen: { path: string; authorization: string | undefined; tls: boolean }[] = [];
  const record = (secure: boolean) => (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, tls: secure });
    res.end(`echo ${req.url}\n`);
  };
  const plain = createHttpServer(record(false));
  const secure = createHttpsServer({ key: tls.key, cert: tls.cert }, record(true));
  const port = (s: Server) => (s.address() as AddressInfo).port;
  const http = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${server.keyA}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return {
      status: response.status,
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of plain HTTP, checked field by field below
      json: (text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined) as any,
      text,
    };
  };
  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    for (let i = 0; i < 300; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => plain.listen(0, '0.0.0.0', resolve));
    await new Promise<void>((resolve) => secure.listen(0, '0.0.0.0', resolve));
    db = await testDrivers[0]!.create();
    server = await startTestServer(db.database, {
      dataDir: data.dir,
      egressUpstreamCa: tls.cert,
      settings: {
        instances: { subnet: SUBNET, egressProxyPort: PROXY_PORT, egressAllowedPrivateCidrs: ['127.0.0.0/8'] },
      },
    });
    await server.app.instancesReady();
    await http('POST', '/images', { name: BUSYBOX });
    await until(
      async () => (await http('GET', `/images/${encodeURIComponent(BUSYBOX)}`)).json.status === 'ready',
      'the image',
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await db?.dispose();
    plain.close();
    secure.close();
    data.remove();
  });

  it('brokers the credential over TLS for the allowed host only, enforces egress, and rotates live', async () => {
    const https = port(secure);
    const script = [
      'echo "guest sees $OUTBOUND_KEY"',
      // busybox wget's own -T crashes (Debian's 1.35), so `timeout` bounds each request; the first one retries.
      `until timeout 5 wget -q -O - http://localhost:${port(plain)}/plain-via-proxy; do sleep 0.5; done`,
      `printf "GET /direct HTTP/1.0\\r\\n\\r\\n" | nc -w 3 ${GATEWAY} ${port(plain)} | grep -q echo && echo "direct reached" || echo "direct refused"`,
      `timeout 5 wget -q -O - https://127.0.0.1:${https}/other-host`,
      `i=0; while true; do i=$((i+1)); timeout 5 wget -q -O - https://localhost:${https}/allowed-$i; sleep 0.3; done`,
    ].join('\n');
    const created = await http('POST', '/instances', {
      image: BUSYBOX,
      name: 'brokered',
      cmd: ['sh', '-c', script],
      env: { OUTBOUND_KEY: 'real-secret-123' },
      credentials: {
        OUTBOUND_KEY: {
          source: { env: 'OUTBOUND_KEY' },
          inject: [{ as: { header: 'Authorization', format: 'Bearer ${value}' }, hosts: ['localhost'] }],
        },
      },
      network: { enabled: true, egress: { enabled: true, enforcement: { mode: 'all' } } },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json.network).toMatchObject({
      enabled: true,
      ip: expect.stringMatching(/^10\.231\.7\.\d+$/),
      name: 'default',
    });
    expect(created.json.env.OUTBOUND_KEY).toBe('mock-OUTBOUND_KEY');
    expect(created.text).not.toContain('real-secret-123');
    const id = created.json.id as string;

    await until(() => seen.some((r) => r.path.startsWith('/allowed-')), 'a brokered request').catch(
      async (error: Error) => {
        throw new Error(
          `${error.message}; guest log: ${(await http('GET', `/instances/${id}/logs?tail=20`)).text}; seen ${JSON.stringify(seen)}`,
        );
      },
    );
    const logs = (await http('GET', `/instances/${id}/logs?tail=1000`)).text;
    expect(logs).toContain('guest sees mock-OUTBOUND_KEY');
    expect(logs).toContain('direct refused');
    expect(seen.find((r) => r.path === '/direct')).toBeUndefined();
    expect(seen.find((r) => r.path === '/plain-via-proxy')).toEqual({
      path: '/plain-via-proxy',
      authorization: undefined,
      tls: false,
    });
    expect(seen.find((r) => r.path === '/other-host')).toEqual({
      path: '/other-host',
      authorization: undefined,
      tls: true,
    });
    expect(seen.find((r) => r.path.startsWith('/allowed-'))).toMatchObject({
      authorization: 'Bearer real-secret-123',
      tls: true,
    });

    // A CONNECT client in the instance's namespace, trusting only the deployment's CA: the proxy intercepts
    // TLS with a certificate for the host, and injects the header inside.
    const client = [
      "const tls = require('tls'), net = require('net'), fs = require('fs');",
      `const s = net.connect(${PROXY_PORT}, '${GATEWAY}', () => s.write('CONNECT localhost:${https} HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n'));`,
      "s.once('data', (d) => { if (!String(d).startsWith('HTTP/1.1 200')) { console.log('refused ' + d); process.exit(1); }",
      `  const t = tls.connect({ socket: s, servername: 'localhost', ca: fs.readFileSync('${data.dir}/instances/egress/ca.pem') }, () => t.write('GET /connect HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n'));`,
      "  let out = ''; t.on('data', (c) => (out += c)); t.on('end', () => { console.log(out.split('\\r\\n').pop()); process.exit(0); }); });",
    ].join('\n');
    // Asynchronously: the proxy runs in this process, and a synchronous child would block its event loop.
    const inside = (await promisify(execFile)('ip', ['netns', 'exec', `cpi-${id}`, process.execPath, '-e', client]))
      .stdout;
    expect(inside.trim()).toBe('echo /connect');
    expect(seen.find((r) => r.path === '/connect')).toEqual({
      path: '/connect',
      authorization: 'Bearer real-secret-123',
      tls: true,
    });

    const patched = await http('PATCH', `/instances/${id}`, { env: { OUTBOUND_KEY: 'rotated-456' } });
    expect(patched.status).toBe(200);
    expect(patched.text).not.toContain('rotated-456');
    const from = seen.length;
    await until(() => seen.slice(from).some((r) => r.authorization === 'Bearer rotated-456'), 'the rotated secret');

    const stats = await http('GET', `/instances/${id}/stats`);
    expect(stats.json.network.tx_bytes).toBeGreaterThan(0);
    expect((await http('DELETE', `/instances/${id}`)).status).toBe(204);
    expect(leftovers(data.dir).netns).not.toContain(`cpi-${id}`);
  }, 90_000);

  it('refuses proxy clients that are not a registered instance', async () => {
    // Start the proxy's network with an instance, then connect from the host's own address on the bridge.
    const created = await http('POST', '/instances', {
      image: BUSYBOX,
      name: 'holder',
      cmd: ['sh', '-c', 'while true; do sleep 1; done'],
      network: { enabled: true, egress: { enabled: true } },
    });
    expect(created.status).toBe(201);
    const proxy = { hostname: GATEWAY, port: PROXY_PORT };
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: proxy.hostname, port: Number(proxy.port), localAddress: GATEWAY }, () =>
        socket.write(`CONNECT localhost:${port(secure)} HTTP/1.1\r\nHost: localhost\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1.1 403 Forbidden/);
    expect(answer).toContain('is not a registered instance');
    await http('DELETE', `/instances/${created.json.id}`);
  }, 60_000);
});
