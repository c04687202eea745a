/**
 * The prize wheel on the phone, without script (the captive mini-browser may run none):
 * an inline SVG of the game's prizes, turned by a CSS animation onto the segment the
 * gateway drew, and the prize card revealed once it lands. Only on the first view of a
 * play (`spin`); after that, and for `prefers-reduced-motion`, it rests on the prize.
 */
import { esc } from '../html.js'

const COLOURS = ['#b3261e', '#f6d365', '#e07a1f', '#fff3c4']
const SPIN_S = 3
const LABEL_MAX = 8

const round = (x: number) => Math.round(x * 100) / 100
/** A long name is cut on the wheel (the card under it says it whole). */
const label = (s: string) => ([...s].length > LABEL_MAX ? `${[...s].slice(0, LABEL_MAX - 1).join('')}…` : s)

/** The angle that puts the middle of segment `index` of `count` under the pointer at the top, after five turns. */
export function landingAngle(index: number, count: number): number {
  return 360 * 5 - (360 / count) * (index + 0.5)
}

export function wheelHtml(names: string[], won: number, spin: boolean, primary: string): string {
  const count = Math.max(1, names.length)
  const seg = 360 / count
  const colours = [primary, ...COLOURS.slice(1)]
  const point = (deg: number, r: number) => {
    const a = ((deg - 90) * Math.PI) / 180 // 0° at the top, clockwise
    return `${round(r * Math.cos(a))} ${round(r * Math.sin(a))}`
  }
  const segments = names.map((name, i) => {
    const from = i * seg
    const path =
      count === 1
        ? '<circle r="96"/>'
        : `<path d="M0 0 L${point(from, 96)} A96 96 0 ${seg > 180 ? 1 : 0} 1 ${point(from + seg, 96)} Z"/>`
    const mid = from + seg / 2 - 90 // from the 3 o'clock axis, as SVG turns
    const flip = mid > 90 && mid < 270 // never upside down
    const text = `<text transform="rotate(${round(mid)}) translate(58 0)${flip ? ' rotate(180)' : ''}" fill="${i % 2 ? '#2b1d0e' : '#fff'}">${esc(label(name))}</text>`
    return `<g fill="${colours[i % colours.length]}">${path}${text}</g>`
  })
  const end = landingAngle(won, count)
  return `<style>.wheel{position:relative;width:min(78vw,20rem);margin:.5rem auto 1rem}.wheel svg{display:block;width:100%;transform:rotate(${end}deg)}
.wheel text{font-size:11px;font-weight:700;text-anchor:middle;dominant-baseline:central}.wheel .pointer{position:absolute;left:50%;top:-.4rem;transform:translateX(-50%);width:0;height:0;border:.8rem solid transparent;border-top:1.4rem solid #2b1d0e}
${spin ? `@keyframes land{from{transform:rotate(0)}to{transform:rotate(${end}deg)}}@keyframes reveal{from{opacity:0;visibility:hidden}to{opacity:1;visibility:visible}}.wheel svg{animation:land ${SPIN_S}s cubic-bezier(.15,.85,.25,1) both}.reveal{animation:reveal .4s ${SPIN_S + 0.3}s both}@media (prefers-reduced-motion:reduce){.wheel svg,.reveal{animation:none}}` : ''}</style>
<div class="wheel" aria-hidden="true"><svg viewBox="-100 -100 200 200"><circle r="99" fill="#2b1d0e"/>${segments.join('')}<circle r="12" fill="#fff"/></svg><div class="pointer"></div></div>`
}
