// The kiosk's words in both languages; the page starts in Chinese, the toggle switches.
export const TEXT = {
  zh: {
    switchLang: 'English', title: '幸运转盘 · 人人有奖', tapToPlay: '点击开始', whoPlays: '请先登记',
    scanMember: '在扫码器上出示会员码', orPhone: '或输入手机号', consent: '我同意成为会员（保存手机号，用于发券与核销，可随时注销）',
    marketing: '接收优惠信息（可选）', back: '返回', continue: '继续', readyToPlay: '准备好了吗？', play: '开始抽奖',
    playsLeft: (n) => `今天还可以玩 ${n} 次`, youWon: '恭喜获得', scanWithPhone: '用手机扫码领取，可在店内Wi-Fi下打开',
    myVouchers: '我的券', done: '完成', offline: '暂时无法连接，请稍候…', noVouchers: '还没有券',
    print: { queued: '正在打印您的券…', printing: '正在打印您的券…', done: '已打印，请取走小票', failed: '打印失败：请扫码领取', interrupted: '打印机故障：请扫码领取，或请店员补打小票', no_printer: '请扫码领取', not_queued: '请扫码领取' },
    errors: { consent_required: '需要您的同意才能登记', invalid_phone: '手机号无效', daily_limit: '今天的次数已用完，明天再来', nothing_to_win: '奖品已发完', player_expired: '请重新登记', network: '网络故障，请重试', bad_player: '请重新登记', not_member_code: '请出示会员码', member_code_expired: '会员码已过期，请刷新', unknown_member: '未找到会员', kiosk_busy: '操作太频繁，请稍后再试或联系店员', kiosk_unpaired: '本屏幕尚未登记', wrong_kiosk_token: '令牌不正确', locked_out: '错误次数过多，请稍后再试', not_enrolled: '本机暂不能发券，请联系店员', internal: '系统故障，请联系店员' },
    until: '有效期至',
    pairTitle: '本屏幕尚未登记为抽奖机', pairHint: '请店员输入本机的抽奖机令牌（在网关上用 tillside secret token 生成）', pairGo: '登记',
  },
  en: {
    switchLang: '中文', title: 'Spin to win · everyone wins', tapToPlay: 'Tap to play', whoPlays: 'Who is playing?',
    scanMember: 'Show your member QR code to the scanner', orPhone: 'or enter your phone number', consent: 'I agree to become a member (we keep your phone number to issue and redeem vouchers; you can leave any time)',
    marketing: 'Send me offers (optional)', back: 'Back', continue: 'Continue', readyToPlay: 'Ready?', play: 'Spin!',
    playsLeft: (n) => `${n} play${n === 1 ? '' : 's'} left today`, youWon: 'You won', scanWithPhone: 'Scan with your phone to keep it — works on the store Wi-Fi',
    myVouchers: 'My vouchers', done: 'Done', offline: 'Connecting…', noVouchers: 'No vouchers yet',
    print: { queued: 'Printing your voucher…', printing: 'Printing your voucher…', done: 'Printed — take your slip', failed: 'Printing failed: scan the QR code', interrupted: 'Printer needs attention: scan the QR code, or ask staff to reprint your slip', no_printer: 'Scan the QR code to keep it', not_queued: 'Scan the QR code to keep it' },
    errors: { consent_required: 'We need your consent to sign you up', invalid_phone: 'That phone number does not look right', daily_limit: 'No plays left today — come back tomorrow', nothing_to_win: 'All prizes are gone', player_expired: 'Please identify again', network: 'Connection problem, please try again', bad_player: 'Please identify again', not_member_code: 'Please show your member QR code', member_code_expired: 'Old member code: refresh it in the app', unknown_member: 'Member not found', kiosk_busy: 'Too many tries just now — please wait a moment or ask staff', kiosk_unpaired: 'This screen is not set up as a kiosk', wrong_kiosk_token: 'That token is not right', locked_out: 'Too many wrong tokens — try again later', not_enrolled: 'This kiosk cannot issue vouchers yet — please ask staff', internal: 'Something went wrong — please ask staff' },
    until: 'Valid until',
    pairTitle: 'This screen is not set up as a kiosk yet', pairHint: "Staff: enter this kiosk's token (made on the gateway with tillside secret token)", pairGo: 'Set up',
  },
}
