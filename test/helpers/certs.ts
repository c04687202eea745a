/**
 * A throwaway certificate chain for TLS tests, made with the openssl CLI (Node cannot
 * issue X.509 certificates): a CA, a server certificate for localhost / 127.0.0.1, and
 * client certificates whose CN is the MQTT username (a store id, or the cloud's name).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface CertFiles {
  cert: string
  key: string
}

export interface CertChain {
  ca: string
  server: CertFiles
  clients: Record<string, CertFiles>
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })

function issue(dir: string, name: string, ca: CertFiles, subject: string, extensions: string): CertFiles {
  const key = join(dir, `${name}.key`)
  const csr = join(dir, `${name}.csr`)
  const cert = join(dir, `${name}.crt`)
  const ext = join(dir, `${name}.ext`)
  writeFileSync(ext, extensions)
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    subject,
  ])
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    cert,
    '-extfile',
    ext,
  ])
  return { cert, key }
}

/** A CA named `caName` (two chains with different names do not trust each other). */
export function makeCertChain(dir: string, clients: string[], caName = 'Tillside Test CA'): CertChain {
  mkdirSync(dir, { recursive: true })
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') }
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '2',
    '-subj',
    `/CN=${caName}`,
  ])
  const server = issue(
    dir,
    'server',
    ca,
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  )
  const made: Record<string, CertFiles> = {}
  for (const c of clients) made[c] = issue(dir, `client-${c}`, ca, `/CN=${c}`, 'extendedKeyUsage=clientAuth\n')
  return { ca: ca.cert, server, clients: made }
}
