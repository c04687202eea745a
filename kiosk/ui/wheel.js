// The prize wheel: it only animates the prize the gateway already drew.
const COLOURS = ['#b3261e', '#f6d365', '#e07a1f', '#fff3c4']

/**
 * `wheel` holds the pointer and `face` the segments. `spinMs`: the landing spin;
 * `landPauseMs`: how long it rests on the winning segment, lit up, before the prize.
 */
export function createWheel(wheel, face, { spinMs, landPauseMs }) {
  let spinning = false

  /**
   * One coloured segment per name, clockwise from the pointer at the top, each name along
   * the radius; names on the left half are turned so they never read upside down.
   */
  function draw(names) {
    const seg = 360 / Math.max(1, names.length)
    face.style.background = `conic-gradient(${names.map((_, i) => `${COLOURS[i % COLOURS.length]} ${i * seg}deg ${(i + 1) * seg}deg`).join(', ') || '#b3261e 0 360deg'})`
    face.replaceChildren(
      ...names.map((n, i) => {
        const s = Object.assign(document.createElement('span'), { textContent: n, title: n })
        const angle = (i + 0.5) * seg - 90 // from the 3 o'clock axis
        const flip = angle > 90 && angle < 270
        // Centre on the wheel's centre, turn to the segment, move out along it (and the right way up).
        s.style.transform = `translate(-50%, -50%) rotate(${angle}deg) translate(62%, 0)${flip ? ' rotate(180deg)' : ''}`
        s.style.color = i % 2 ? '#2b1d0e' : '#fff'
        return s
      }),
    )
  }

  /** Turns while the gateway draws, so a slow answer still looks alive. */
  function wait(on) {
    face.classList.toggle('waiting', on)
  }

  /** Lands segment `index` of `count` under the pointer; resolves once the pause on it is over. */
  function land(index, count) {
    spinning = true
    wait(false)
    face.style.transition = `transform ${spinMs}ms cubic-bezier(.15,.85,.25,1)`
    face.style.transform = `rotate(${360 * 5 - (360 / Math.max(1, count)) * (index + 0.5)}deg)`
    return new Promise((resolve) =>
      setTimeout(() => {
        face.children[index]?.classList.add('won')
        wheel.classList.add('landed')
        setTimeout(() => {
          spinning = false
          face.children[index]?.classList.remove('won')
          wheel.classList.remove('landed')
          face.style.transition = 'none'
          face.style.transform = 'rotate(0deg)'
          resolve()
        }, landPauseMs)
      }, spinMs),
    )
  }

  return { draw, wait, land, isSpinning: () => spinning }
}
