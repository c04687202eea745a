/**
 * The fake Alipay (fake-alipay.ts) in a process of its own, so a bench measures the
 * gateway's work without the provider's on the same event loop. Arguments: the TLS
 * certificate and key files, the merchant's public key file (PEM), the latency in ms.
 * Prints one JSON line, {url, publicKey}, once it listens; stops on SIGTERM.
 */
import { createPublicKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { FakeAlipay } from './fake-alipay.js'

const [cert, key, merchantKey, latency] = process.argv.slice(2)
if (!cert || !key || !merchantKey) {
  process.stderr.write('usage: fake-alipay-process <cert.pem> <key.pem> <merchant-public-key.pem> [latency-ms]\n')
  process.exit(2)
}
const alipay = await new FakeAlipay(
  { cert: readFileSync(cert), key: readFileSync(key) },
  createPublicKey(readFileSync(merchantKey, 'utf8')),
  Number(latency ?? 0),
).start()
process.stdout.write(
  `${JSON.stringify({ url: alipay.url, publicKey: alipay.keys.publicKey.export({ type: 'spki', format: 'pem' }) })}\n`,
)
process.on('SIGTERM', () => void alipay.stop().then(() => process.exit(0)))
