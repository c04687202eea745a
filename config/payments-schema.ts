/**
 * Wallet payment codes: who charges them and the charge protocol's timing (docs/payments.md).
 * Keys are files in the data dir (mode 0600), never in the config text.
 */
import { Type, type Static } from '@sinclair/typebox'

const KeyFile = (description: string, dflt: string) =>
  Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/]+$', default: dflt, description })

export const AlipaySchema = Type.Object(
  {
    appId: Type.String({
      pattern: '^[0-9]{8,32}$',
      description: 'The Alipay application id (APPID) with face-to-face payment',
    }),
    gatewayUrl: Type.String({
      pattern: '^https://',
      default: 'https://openapi.alipay.com/gateway.do',
      description: "Alipay's OpenAPI gateway (the sandbox's: https://openapi-sandbox.dl.alipaydev.com/gateway.do)",
    }),
    privateKeyFile: KeyFile(
      "The application's RSA private key (PEM), a file in the data dir, mode 0600",
      'alipay-app-private-key.pem',
    ),
    alipayPublicKeyFile: KeyFile(
      "Alipay's public key (PEM) to verify its answers, a file in the data dir",
      'alipay-public-key.pem',
    ),
    caFile: Type.Optional(
      KeyFile('A CA certificate (PEM) in the data dir for a private gateway; the system CAs otherwise', 'ca.pem'),
    ),
    subject: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "What the customer's bill says was bought (default: the store's name)",
      }),
    ),
    timeoutMs: Type.Integer({
      minimum: 500,
      maximum: 60_000,
      default: 10_000,
      description: 'How long one call to Alipay may take',
    }),
  },
  { additionalProperties: false },
)

export const WechatSchema = Type.Object(
  {
    appId: Type.String({
      pattern: '^wx[0-9a-f]{16}$',
      description: 'The WeChat AppID bound to the merchant account (wx…)',
    }),
    mchId: Type.String({ pattern: '^[0-9]{8,12}$', description: 'The WeChat Pay merchant id (商户号)' }),
    gatewayUrl: Type.String({
      pattern: '^https://',
      default: 'https://api.mch.weixin.qq.com',
      description: 'WeChat Pay API v2',
    }),
    apiKeyFile: KeyFile('The 32-character API v2 key, a file in the data dir, mode 0600', 'wechat-api-key'),
    clientCertFile: KeyFile(
      'The merchant API certificate (apiclient_cert.pem) in the data dir, for reversals',
      'apiclient_cert.pem',
    ),
    clientKeyFile: KeyFile('Its private key (apiclient_key.pem) in the data dir, mode 0600', 'apiclient_key.pem'),
    caFile: Type.Optional(
      KeyFile('A CA certificate (PEM) in the data dir for a private gateway; the system CAs otherwise', 'ca.pem'),
    ),
    body: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "What the customer's bill says was bought (default: the store's name)",
      }),
    ),
    terminalIp: Type.String({
      default: '127.0.0.1',
      description: "The till's address, which WeChat Pay asks for (spbill_create_ip)",
    }),
    timeoutMs: Type.Integer({
      minimum: 500,
      maximum: 60_000,
      default: 10_000,
      description: 'How long one call to WeChat Pay may take',
    }),
  },
  { additionalProperties: false },
)

export const PaymentsSchema = Type.Object(
  {
    provider: Type.Union([Type.Literal('none'), Type.Literal('sandbox'), Type.Literal('wallets')], {
      default: 'none',
      description:
        'Who charges wallet payment codes: none (refused at once), the sandbox (development: acts out every answer, docs/payments.md) or wallets (each wallet with the store’s own merchant account: payments.alipay, payments.wechat)',
    }),
    confirmWithinMs: Type.Integer({
      minimum: 100,
      maximum: 300_000,
      default: 45_000,
      description:
        'How long a charge may stay unconfirmed (the customer entering a password on the phone, an answer lost) before it is cancelled at the provider',
    }),
    queryEveryMs: Type.Integer({
      minimum: 50,
      maximum: 30_000,
      default: 2_000,
      description: 'How often an unconfirmed charge is asked about at the provider',
    }),
    answerWithinMs: Type.Integer({
      minimum: 100,
      maximum: 120_000,
      default: 20_000,
      description:
        'How long the POS API waits for a charge to be decided before answering 202 pending (ask again with the same key)',
    }),
    alipay: Type.Optional(AlipaySchema),
    wechat: Type.Optional(WechatSchema),
  },
  { additionalProperties: false, default: {} },
)
export type PaymentsConfig = Static<typeof PaymentsSchema>
