// Drives headless Chromium through the case-note pages of a running server:
// the note reader before and after a reveal, a child's notes with their
// summary and chronology, a summary sentence followed to its highlighted
// span, an empty note sent back with its error, the summary confirmed, a
// recording uploaded and transcribed, and a summary written by a model.
// axe-core (WCAG 2.2 AA) runs on every page, injected by the driver.
//
// Environment: BASE_URL, CHROMIUM, ARTIFACTS, USER_ID, PASSWORD, NOTE_ID,
// CHILD_ID. The Rust test `notes_browser.rs` starts the server and runs this.
import { chromium } from 'playwright-core'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const env = (name) => {
  const value = process.env[name]
  if (!value) throw new Error(`notes driver: ${name} is not set`)
  return value
}
const base = env('BASE_URL')
const artifacts = env('ARTIFACTS')
const noteId = encodeURIComponent(env('NOTE_ID'))
const childId = encodeURIComponent(env('CHILD_ID'))
mkdirSync(artifacts, { recursive: true })

const problems = []
const checked = []
let shot = 0
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

function expect (condition, message) {
  if (!condition) throw new Error(message)
}

async function check (page, name) {
  await page.evaluate(axeSource)
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }),
    AXE_TAGS
  )
  for (const v of result.violations) {
    problems.push(`${name}: axe ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  }
  shot += 1
  await page.screenshot({ path: join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true })
  checked.push({ name, url: page.url(), violations: result.violations.length })
}

const browser = await chromium.launch({ executablePath: env('CHROMIUM'), args: ['--no-sandbox'] })
let failed = null
try {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('console', (msg) => {
    const text = msg.text()
    if (msg.type() === 'error' && !text.includes('status of 422')) problems.push(`console error: ${text}`)
  })

  await page.goto(`${base}/sign-in`)
  await page.fill('#user', env('USER_ID'))
  await page.fill('#password', env('PASSWORD'))
  await page.click('main button[type=submit]')
  await page.check('input[name=purpose][value=safeguarding]')
  await page.selectOption('#reason', 'safeguarding')
  await page.fill('#justification', 'reviewing the family notes before the core group meeting')
  await page.click('main button[type=submit]')

  await page.goto(`${base}/notes/${noteId}`)
  expect(await page.locator('form[action^="/notes/"] input[name=condition]').count() === 1,
    'a masked note offers to reveal its text')
  await check(page, 'note-masked')
  await page.check('#condition')
  await page.click('main form button[type=submit]')
  expect(await page.locator('mark.app-mention .app-mention__kind').count() > 2,
    'the revealed note marks its mentions with their kinds in words')
  await check(page, 'note-revealed')

  await page.goto(`${base}/entities/${childId}/notes`)
  await check(page, 'notes-masked')
  await page.check('#condition')
  await page.locator('main form').first().locator('button[type=submit]').click()
  const link = page.locator('main ol li a[href^="#n"]').first()
  expect(await link.count() === 1, 'each summary sentence links to its source')
  const target = (await link.getAttribute('href')).slice(1)
  await link.click()
  expect(await page.locator(`#${target}:target`).count() === 1, `following a citation targets #${target}`)
  await check(page, 'notes-citation-followed')

  await page.click('form[action$="/notes/add"] button[type=submit]')
  expect(await page.locator('.govuk-error-summary a[href="#text"]').count() === 1,
    'an empty note comes back with the error summary')
  await check(page, 'note-add-error')

  await page.goto(`${base}/entities/${childId}/notes`)
  await page.check('#condition')
  await page.locator('main form').first().locator('button[type=submit]').click()
  await page.click('form[action*="/notes/summaries/"] button[type=submit]')
  expect(page.url().includes('/notes/'), `confirming leads to the new note, not ${page.url()}`)
  await check(page, 'summary-confirmed')

  // A recording of a visit: sent back without its file, then transcribed
  // into a note whose lines show their times.
  await page.goto(`${base}/entities/${childId}/notes`)
  await page.click('form[action$="/notes/recording"] button[type=submit]')
  expect(await page.locator('.govuk-error-summary a[href="#recording"]').count() === 1,
    'an upload without its recording comes back with the error summary')
  await check(page, 'recording-error')
  await page.setInputFiles('#recording', { name: 'visit.wav', mimeType: 'audio/wav', buffer: Buffer.from('RIFF recording') })
  await page.fill('#consent', 'consent form CF-2025-031')
  await page.click('form[action$="/notes/recording"] button[type=submit]')
  expect(page.url().includes('/notes/'), `a transcribed recording leads to its note, not ${page.url()}`)
  await page.check('#condition')
  await page.click('main form button[type=submit]')
  expect(await page.locator('td', { hasText: '0:02–1:05' }).count() === 1,
    'the transcript shows each line with its time in the recording')
  await check(page, 'transcript-note')

  // The summary a model writes, labelled and checked sentence by sentence.
  await page.goto(`${base}/entities/${childId}/notes`)
  await page.check('#condition')
  await page.locator('main form').first().locator('button[type=submit]').click()
  await page.click('form[action$="/notes/model-summary"] button[type=submit]')
  expect(await page.locator('.govuk-tag', { hasText: 'Machine-written' }).count() === 1,
    'the model summary is labelled machine-written')
  await check(page, 'model-summary')
  await context.close()
} catch (err) {
  failed = err
} finally {
  await browser.close()
}
writeFileSync(join(artifacts, 'report.json'), JSON.stringify({ checked, problems, failed: failed && String(failed) }, null, 2))
for (const p of problems) console.error(p)
if (failed) console.error(`notes driver: ${failed.stack || failed}`)
console.log(`notes driver: ${checked.length} pages checked, ${problems.length} problems; screenshots in ${artifacts}`)
process.exit(failed || problems.length > 0 ? 1 : 0)
