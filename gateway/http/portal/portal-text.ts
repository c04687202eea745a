/** The portal's words, Chinese first (the store's customers), English for visitors. Chinese uses full-width punctuation. */
export type Lang = 'zh' | 'en'

const TEXT = {
  title: { zh: '免费 Wi-Fi', en: 'Free Wi-Fi' },
  lead: { zh: '输入手机号，一键上网', en: 'Enter your phone number to go online' },
  phone: { zh: '手机号', en: 'Phone number' },
  consent: {
    zh: '我同意成为 {store} 会员。我们保存您的手机号（加密）以及到店、优惠券和游戏记录，最后一次到店后保留 {months} 个月；您可随时请店员删除。',
    en: 'I agree to become a member of {store}. We keep your phone number (encrypted) and your visits, vouchers and game plays for {months} months after your last visit; ask the staff at any time to delete them.',
  },
  marketing: { zh: '接收优惠消息（可选）', en: 'Send me offers (optional)' },
  follow: { zh: '关注本店（可选）', en: 'Follow this store (optional)' },
  connect: { zh: '一键上网', en: 'Connect' },
  codeLead: { zh: '验证码已发送至尾号 {end} 的手机', en: 'We sent a code to the phone ending {end}' },
  code: { zh: '验证码', en: 'Code' },
  verify: { zh: '确认', en: 'Confirm' },
  startOver: { zh: '重新开始', en: 'Start over' },
  online: { zh: '您已连接网络', en: "You're online" },
  remaining: { zh: '剩余时间 {min} 分钟', en: '{min} minutes left' },
  game: { zh: '幸运转盘', en: 'Prize wheel' },
  playsLeft: { zh: '今天还可以玩 {n} 次', en: '{n} plays left today' },
  playsLeftOne: { zh: '今天还可以玩 1 次', en: '1 play left today' },
  noPlays: { zh: '今天的次数已用完，明天再来！', en: 'No plays left today; come back tomorrow!' },
  play: { zh: '开始抽奖', en: 'Play' },
  youWon: { zh: '恭喜您获得', en: 'You won' },
  showCashier: { zh: '打开券码给收银员扫描', en: 'Open the voucher and show it to the cashier' },
  back: { zh: '返回', en: 'Back' },
  myVouchers: { zh: '我的优惠券', en: 'My vouchers' },
  rules: { zh: '活动规则', en: 'Rules' },
  prize: { zh: '奖品', en: 'Prize' },
  left: { zh: '剩余', en: 'Left' },
  chance: { zh: '中奖概率', en: 'Chance' },
  always: { zh: '不限', en: 'Always' },
  perDay: {
    zh: '每位会员每天可玩 {n} 次，每次必中一项奖品。',
    en: 'Each member can play {n} times a day; every play wins one prize.',
  },
  perDayOnce: {
    zh: '每位会员每天可玩 1 次，每次必中一项奖品。',
    en: 'Each member can play once a day; every play wins one prize.',
  },
  howDraw: {
    zh: '每天的抽奖结果由一个秘密种子决定：第一次抽奖前先公布种子的指纹（SHA-256）。第 n 次抽奖按 HMAC-SHA256(种子, "日期:n") 在当时的剩余奖品中选出，概率与剩余数量成正比。当天结束后公布种子，任何人都可以核对指纹并重算每一次抽奖。',
    en: 'Each day\'s draws come from a secret seed whose fingerprint (SHA-256) is published before the day\'s first draw. Draw n picks from the prizes left at that moment with HMAC-SHA256(seed, "day:n"), each prize weighted by the units left. After the day the seed is shown, so anyone can check it and re-run every draw.',
  },
  todayFingerprint: { zh: '今日种子指纹', en: "Today's seed fingerprint" },
  notYet: { zh: '今天第一次抽奖时生成', en: 'Made at the first play today' },
  pastDays: { zh: '往日种子（可核验）', en: 'Past days (seeds revealed)' },
  used: { zh: '已使用', en: 'Used' },
  expired: { zh: '已过期', en: 'Expired' },
  unusable: { zh: '不可用', en: 'Not valid' },
  noVouchers: { zh: '还没有优惠券', en: 'No vouchers yet' },
  until: { zh: '有效期至', en: 'valid until' },
  store: { zh: '门店信息', en: 'The store' },
  following: { zh: '您已关注本店', en: 'You follow this store' },
  switchLang: { zh: 'English', en: '中文' },
  notFound: { zh: '页面不存在', en: 'No such page' },
  error: {
    consent_required: { zh: '请勾选同意成为会员，才能上网', en: 'Please tick the membership consent to go online' },
    invalid_phone: { zh: '手机号格式不正确', en: 'That is not a valid phone number' },
    rate_limited: { zh: '尝试次数过多，请稍后再试', en: 'Too many tries; please wait a little' },
    wrong_code: { zh: '验证码错误', en: 'Wrong code' },
    code_expired: { zh: '验证码已过期，请重新获取', en: 'The code expired; please start over' },
    too_many_attempts: { zh: '错误次数过多，请重新获取验证码', en: 'Too many wrong codes; please start over' },
    code_not_sent: {
      zh: '验证码发送失败，请稍后再试或询问店员',
      en: 'The code could not be sent; try again or ask the staff',
    },
    bad_fas: { zh: '登录链接无效，请重新连接 Wi-Fi', en: 'This login link is not valid; reconnect to the Wi-Fi' },
    fas_used: {
      zh: '登录链接已使用，请重新连接 Wi-Fi',
      en: 'This login link was used already; reconnect to the Wi-Fi',
    },
    not_let_on: { zh: '暂时无法连接，请询问店员', en: 'We could not connect you; please ask the staff' },
    daily_limit: { zh: '今天的次数已用完', en: 'No plays left today' },
    nothing_to_win: { zh: '奖品已发完', en: 'All prizes are gone' },
    not_enrolled: { zh: '游戏暂不可用', en: 'The game is not available' },
    invalid_request: { zh: '请求无效', en: 'Invalid request' },
  },
} as const

export type ErrorCode = keyof typeof TEXT.error
type Key = Exclude<keyof typeof TEXT, 'error'>

export function t(lang: Lang, key: Key, vars: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''))
}

export function errorText(lang: Lang, code: string): string | null {
  const entry = (TEXT.error as Record<string, { zh: string; en: string }>)[code]
  return entry ? entry[lang] : null
}

/** ?lang= wins, then the browser's first language; Chinese by default. */
export function langOf(query: unknown, acceptLanguage: string | undefined): Lang {
  const asked = (query as { lang?: unknown } | undefined)?.lang
  if (asked === 'en' || asked === 'zh') return asked
  return acceptLanguage && /^en\b/i.test(acceptLanguage.trim()) ? 'en' : 'zh'
}
