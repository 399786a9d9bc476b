// Enhancements only: every page works without this script.
import { initAll as initGovuk } from '/assets/govuk-frontend.min.js'
import { initAll as initMoj } from '/assets/moj-frontend.min.js'

document.body.classList.add('govuk-frontend-supported')
initGovuk()
initMoj()

// Match review: keyboard shortcuts s / n / u pick same / not same / unsure,
// unless the reviewer is typing.
const review = document.querySelector('[data-app-review]')
if (review) {
  document.addEventListener('keydown', (event) => {
    const tag = event.target.tagName
    if (tag === 'TEXTAREA' || tag === 'INPUT' || event.ctrlKey || event.metaKey || event.altKey) {
      return
    }
    const verdict = { s: 'same', n: 'not_same', u: 'unsure' }[event.key]
    const radio = verdict && review.querySelector(`input[name="verdict"][value="${verdict}"]`)
    if (radio) {
      radio.checked = true
      radio.focus()
    }
  })
}
