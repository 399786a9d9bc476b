// Drives headless Chromium through the pages of a running server: the main
// flow with the mouse, then again with the keyboard only, axe-core (WCAG 2.2
// AA) on every page, and a screenshot of each. The Rust test `browser.rs`
// starts the server and runs this; a non-zero exit fails it.
//
// Environment: BASE_URL, CHROMIUM (the executable), ARTIFACTS (a folder for
// screenshots and the report), USER_ID, PASSWORD, QUERY (a search that finds
// someone with a masked value), STEWARD_ID and STEWARD_PURPOSE (a user who
// may load data and administer), REPLAY_DATASET and REPLAY_FILE (a dataset
// with quarantined rows and its source file).
import { chromium } from 'playwright-core'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const env = (name) => {
  const value = process.env[name]
  if (!value) throw new Error(`driver: ${name} is not set`)
  return value
}
const base = env('BASE_URL')
const artifacts = env('ARTIFACTS')
const user = env('USER_ID')
const overseer = env('OVERSEER_ID')
const password = env('PASSWORD')
const query = env('QUERY')
mkdirSync(artifacts, { recursive: true })

const problems = []
const checked = []
let shot = 0

// Axe's WCAG 2.0, 2.1 and 2.2 A and AA rules: every one must pass.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

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
  checked.push({ name, url: page.url(), violations: result.violations.length, passes: result.passes.length })
}

function expect (condition, message) {
  if (!condition) throw new Error(message)
}

function watch (page, name) {
  // A CSP refusal means inline script or style slipped in.
  // (A form sent back with its errors is a 422 the browser reports too.)
  page.on('console', (msg) => {
    const text = msg.text()
    if (msg.type() === 'error' && !text.includes('status of 422')) {
      problems.push(`${name}: console error: ${text}`)
    }
  })
  page.on('pageerror', (err) => problems.push(`${name}: script error: ${err.message}`))
}

async function mouseFlow (browser) {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  watch(page, 'mouse')

  await page.goto(`${base}/`)
  expect(page.url().endsWith('/sign-in'), `a visitor not signed in is sent to sign in, not ${page.url()}`)
  await check(page, 'sign-in')
  await page.click('button[type=submit]')
  expect(await page.locator('.govuk-error-summary').count() === 1, 'an empty sign-in shows the error summary')
  await check(page, 'sign-in-error')
  await page.fill('#user', user)
  await page.fill('#password', password)
  await page.click('button[type=submit]')

  expect(page.url().endsWith('/start'), `signing in leads to start work, not ${page.url()}`)
  await check(page, 'start')
  await page.click('main button[type=submit]')
  expect(await page.locator('.govuk-error-summary').count() === 1, 'an empty start form shows the error summary')
  await check(page, 'start-error')
  await page.check('input[name=purpose][value=demo]')
  await page.selectOption('#reason', 'investigation')
  await page.fill('#justification', 'checking a complaint file against the records held')
  await page.fill('#case_ref', 'PSD-2026-0042')
  await page.click('main button[type=submit]')

  expect(page.url().includes('/search'), `starting work leads to search, not ${page.url()}`)
  const banner = await page.textContent('[data-app-banner]')
  expect(banner.includes('demo') && banner.includes('PSD-2026-0042') && banner.includes('Access is recorded'),
    `the banner names the purpose, the case and that access is recorded: ${banner}`)
  await check(page, 'search-empty')
  await page.fill('#q', query)
  await page.click('main button.govuk-button:not(.govuk-button--secondary)')
  expect(await page.locator('main ol li').count() > 0, `the search \`${query}\` finds someone`)
  expect(await page.locator('mark.app-highlight').count() > 0, 'what matched is highlighted')
  await check(page, 'search-results')
  expect(await page.locator('[data-app-facets] [data-app-facet]').count() > 0, 'the results are counted by type, dataset and year')

  // Saved searches: without a name first, for its errors; then run one and delete it.
  const searched = page.url()
  await page.click('form[data-app-save-search] button')
  expect(await page.locator('.govuk-error-summary').count() === 1, 'saving a search without a name shows the error summary')
  await check(page, 'search-save-error')
  await page.fill('#name', 'Complaint file names')
  await page.click('main form[action="/search/saved"] button')
  expect(page.url().endsWith('/search/saved'), `saving a search leads to the saved searches, not ${page.url()}`)
  await check(page, 'saved-searches')
  await page.click('[data-app-saved-search] a')
  expect(await page.locator('main ol li').count() > 0, 'the saved search finds people when run')
  await check(page, 'saved-search-results')
  await page.goto(`${base}/search/saved`)
  await page.click('[data-app-saved-search] button')
  expect(await page.locator('[data-app-saved-search]').count() === 0, 'a deleted saved search is gone')
  await page.goto(searched)

  await page.click('main ol li h3 a')
  expect(page.url().includes('/entities/'), 'a result opens its dossier')
  await check(page, 'dossier')

  const reveal = page.locator('form[action$="/reveal"]').first()
  expect(await reveal.count() === 1, 'the dossier offers to reveal a masked value')
  await reveal.locator('button').click()
  expect(await page.locator('.govuk-error-summary').count() === 1, 'a reveal without the lawful condition is refused with the error summary')
  await check(page, 'dossier-reveal-error')
  const again = page.locator('form[action$="/reveal"]').first()
  await again.locator('input[type=checkbox]').check()
  await again.locator('button').click()
  expect(await page.locator('[data-app-revealed]').count() > 0, 'the reveal shows the value')
  await check(page, 'revealed')
  const dossier = page.url().replace(/\/reveal$/, '')

  await page.click('nav a[href="/review"]')
  expect(await page.locator('form[data-app-review]').count() === 1, 'a pair waits for review')
  await check(page, 'review')
  await page.click('form[data-app-review] button')
  expect(await page.locator('.govuk-error-summary').count() === 1, 'a decision without a verdict or reason shows the error summary')
  await check(page, 'review-error')
  const judgedLeft = await page.locator('form[data-app-review] input[name=left]').getAttribute('value')
  await page.check('input[name=verdict][value=not_same]')
  await page.fill('#why', 'different dates of birth and no shared address')
  await page.click('form[data-app-review] button')
  expect(await page.locator('[data-app-decided]').count() === 1, 'the decision is recorded')
  await check(page, 'review-decided')

  await page.goto(`${base}/entities/${encodeURIComponent(judgedLeft)}`)
  const undo = page.locator('form[action$="/withdraw"]').first()
  expect(await undo.count() === 1, 'the dossier offers to undo the judgement just made')
  await undo.locator('xpath=ancestor::details').locator('summary').click()
  await undo.locator('button').click()
  expect(await page.locator('.govuk-error-summary').count() === 1, 'an undo without a reason shows the error summary')
  await check(page, 'dossier-undo-error')
  const undoAgain = page.locator('form[action$="/withdraw"]').first()
  await undoAgain.locator('input[name=why]').fill('decided on the wrong pair')
  await undoAgain.locator('button').click()
  expect(page.url().includes('/entities/'), 'undoing leads back to the dossier')
  expect(await page.locator('form[action$="/withdraw"]').count() === 0, 'the withdrawn judgement has no undo')
  await check(page, 'dossier-undone')

  await page.goto(dossier)
  await page.click('a[href^="/chart?id="]')
  await page.waitForSelector('#app-chart canvas')
  expect(await page.locator('#app-chart').isVisible(), 'the script draws the chart')
  const before = await page.locator('[data-app-node]').count()
  expect(before > 1, 'the chart shows the entity and its neighbours')
  await check(page, 'chart')
  await page.click('[data-app-node][data-focus=false] [data-app-expand]')
  await page.waitForSelector('#app-chart canvas')
  const after = await page.locator('[data-app-node]').count()
  expect(after >= before, `expanding a node keeps the chart and adds its neighbours (${before} then ${after})`)
  await check(page, 'chart-expanded')
  const kind = await page.locator('#rel option').nth(1).getAttribute('value')
  const target = await page.locator('[data-app-node][data-focus=false]').last().getAttribute('data-app-node')
  await page.selectOption('#rel', kind)
  await page.fill('#to', target)
  await page.click('main form[action="/chart"] button')
  expect(await page.locator('[data-app-edge]').count() > 0, `filtering by \`${kind}\` keeps its relationships`)
  await check(page, 'chart-filtered')
  await page.selectOption('#rel', '')
  await page.fill('#from', 'not a date')
  await page.click('main form[action="/chart"] button')
  expect(await page.locator('.govuk-error-summary a[href="#from"]').count() === 1, 'a date that does not parse is named in the error summary')
  await check(page, 'chart-error')
  await page.fill('#from', '')
  await page.fill('#to', target)
  await page.fill('#k', '4')
  await page.fill('#with', target)
  await page.check('#centrality')
  await page.click('main form[action="/chart"] button')
  await page.waitForSelector('#app-chart canvas')
  expect(await page.locator('[data-app-paths]').count() === 1, 'every path to the other entity is listed')
  expect(await page.locator('[data-app-shared]').count() === 1, 'the shared associates are listed')
  expect(await page.locator('[data-app-score-row]').count() > 0, 'centrality is listed')
  await check(page, 'chart-analysis')
  const downloading = page.waitForEvent('download')
  await page.click('form[action="/chart/export"] button')
  const download = await downloading
  const file = join(artifacts, download.suggestedFilename())
  await download.saveAs(file)
  expect(readFileSync(file, 'utf8').includes('<graphml'), 'the export is GraphML')

  await page.click('nav a[href="/data"]')
  expect(await page.locator('[data-app-dataset]').count() > 0, 'the data page lists the datasets')
  await check(page, 'data')

  await page.click('nav a[href="/my-record"]')
  expect(await page.locator('[data-app-act]').count() > 0, 'my record of access lists my acts')
  await check(page, 'my-record')
  const receipting = page.waitForEvent('download')
  await page.click('[data-app-act] a[download]')
  const receipt = await receipting
  const receiptFile = join(artifacts, receipt.suggestedFilename())
  await receipt.saveAs(receiptFile)
  expect(readFileSync(receiptFile, 'utf8').length > 0, 'a receipt downloads')

  await page.click('nav a[href="/start"]')
  await page.click('main a[href="/break-glass"]')
  expect(await page.locator('.govuk-warning-text').count() === 1, 'break-glass warns what it means first')
  await check(page, 'break-glass')
  await page.click('main button[type=submit]')
  expect(await page.locator('.govuk-error-summary').count() === 1, 'an empty break-glass form shows the error summary')
  await check(page, 'break-glass-error')
  await page.check('input[name=purpose][value=demo]')
  await page.selectOption('#reason', 'safeguarding')
  await page.fill('#justification', 'a child reported missing tonight, the duty inspector agreed')
  await page.fill('#minutes', '15')
  await page.click('main button[type=submit]')
  expect(await page.locator('.app-break-glass').count() === 1, 'a page-wide warning is shown while break-glass is in force')
  await check(page, 'search-break-glass')
  await page.click('.app-break-glass button')
  expect(await page.locator('.app-break-glass').count() === 0, 'ending break-glass takes the warning away')

  await casework(page)
  await context.close()
}

async function startWork (page, purpose, justification) {
  await page.goto(`${base}/start`)
  await page.check(`input[name=purpose][value="${purpose}"]`)
  await page.selectOption('#reason', 'investigation')
  await page.fill('#justification', justification)
  await page.click('main button[type=submit]')
  expect(page.url().includes('/search'),
    `work starts under ${purpose}: ${await page.locator('.govuk-error-summary').innerText().catch(() => page.url())}`)
}

// Issue 18: the alert queue and an alert with its review forms, the case
// workspace with its edit forms, each with a refused form shown with its
// errors, and the fairness report under equality monitoring.
async function casework (page) {
  await startWork(page, env('REVIEW_PURPOSE'), 'reviewing the attendance alerts raised this week')
  await page.click('nav a[href="/alerts"]')
  expect(await page.locator('main a[href^="/alerts/"]').count() > 0, 'the queue lists the alert')
  await check(page, 'alerts')
  await page.click('main a[href^="/alerts/"]')
  await check(page, 'alert')
  await page.click('form[data-app-alert-open] button')
  expect(await page.locator('form[data-app-alert-decide]').count() === 1, 'an alert in review offers the decision')
  await check(page, 'alert-in-review')
  await page.check('input[name=outcome][value=no_further_action]')
  await page.fill('#text', 'ok')
  await page.click('form[data-app-alert-decide] button')
  expect(await page.locator('.govuk-error-summary a[href="#text"]').count() === 1, 'a rationale without words is named in the error summary')
  expect(await page.inputValue('#text') === 'ok', 'what was typed is kept')
  await check(page, 'alert-error')

  await page.goto(`${base}/cases`)
  await check(page, 'cases')
  await page.goto(`${base}/cases/${env('CASE_REF')}`)
  await check(page, 'case')
  await page.fill('#task-text', 'Obtain the duty rosters')
  await page.fill('#task-due', 'next week')
  await page.click('form[data-app-case-task] button')
  expect(await page.locator('.govuk-error-summary a[href="#task-due"]').count() === 1, 'a due date that is not a date is named in the error summary')
  expect(await page.inputValue('#task-text') === 'Obtain the duty rosters', 'what was typed is kept')
  await check(page, 'case-error')

  await startWork(page, 'equality-monitoring', 'monthly equality monitoring of the indicator rules')
  await page.goto(`${base}/fairness`)
  expect(await page.locator('svg.app-fairness-chart').count() > 0, 'the fairness report has its charts')
  await check(page, 'fairness')
  await page.fill('#from', 'March')
  await page.click('main form[action="/fairness"] button >> nth=0')
  expect(await page.locator('.govuk-error-summary a[href="#from"]').count() === 1, 'a month that does not read is named in the error summary')
  await check(page, 'fairness-error')
}

// Loading data and administering the registers: the quarantine replay's
// result page (the dataset's own source again, so its rows still fail and
// say why) and the form that adds a purpose sent back with its errors.
async function stewardFlow (browser) {
  const context = await browser.newContext()
  const page = await context.newPage()
  watch(page, 'steward')
  await page.goto(`${base}/sign-in`)
  await page.fill('#user', env('STEWARD_ID'))
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  await page.check(`input[name=purpose][value="${env('STEWARD_PURPOSE')}"]`)
  await page.selectOption('#reason', 'data_quality')
  await page.fill('#justification', 'correcting the rows the last load quarantined')
  await page.click('main button[type=submit]')
  expect(page.url().includes('/search'),
    `the steward starts work: ${await page.locator('.govuk-error-summary').innerText().catch(() => page.url())}`)

  await page.goto(`${base}/data`)
  await page.fill('#replay-dataset', env('REPLAY_DATASET'))
  await page.setInputFiles('#file', env('REPLAY_FILE'))
  await page.click('form[data-app-replay] button')
  expect(await page.locator('[data-app-replayed]').count() === 1, 'the replay says what it released and what still fails')
  expect(await page.locator('main table tbody tr').count() > 0, 'the rows still quarantined are listed with their reasons')
  await check(page, 'data-replayed')

  await page.goto(`${base}/dpo/purposes/new`)
  await page.fill('#id', 'licensing-review')
  await page.fill('#review_date', 'next spring')
  await page.click('form[data-app-add-purpose] button')
  expect(await page.locator('.govuk-error-summary a[href="#review_date"]').count() === 1, 'a review date that is not a date is named in the error summary')
  expect(await page.inputValue('#id') === 'licensing-review', 'what was typed is kept')
  await check(page, 'dpo-add-purpose-error')
  await context.close()
}

async function overseerFlow (browser) {
  const context = await browser.newContext({ acceptDownloads: true })
  const page = await context.newPage()
  watch(page, 'overseer')
  await page.goto(`${base}/sign-in`)
  await page.fill('#user', overseer)
  await page.fill('#password', password)
  await page.click('button[type=submit]')
  await page.check('input[name=purpose][value=oversight]')
  await page.selectOption('#reason', 'audit')
  await page.fill('#justification', 'quarterly check of the analysts\' access')
  await page.click('main button[type=submit]')
  expect(page.url().includes('/search'),
    `the overseer starts work: ${await page.locator('.govuk-error-summary').innerText().catch(() => page.url())}`)
  await page.click('nav a[href="/dpo"]')
  expect(await page.locator('[data-app-alerts]').count() === 1, 'the alerts are shown to a purpose that reads the log')
  await check(page, 'dpo')
  await page.click('[data-app-add-purpose-link]')
  expect(await page.locator('form[data-app-add-purpose]').count() === 1, 'the data protection page leads to the form that adds a purpose')
  await check(page, 'dpo-add-purpose')
  await page.click('nav a[href="/overseer"]')
  await check(page, 'overseer')
  await page.fill('#user', user)
  await page.selectOption('#operation', 'reveal')
  await page.click('button[name=verify]')
  expect(await page.locator('[data-app-event]').count() > 0, 'the overseer finds the analyst\'s reveals')
  expect(await page.locator('[data-app-verified]').count() === 1, 'Verify now checks the checkpoint and every proof')
  expect(await page.locator('[data-app-witnesses], [data-app-witnesses-none]').count() === 1, 'Verify now says which witnesses cosigned, or that none are configured')
  await check(page, 'overseer-verified')
  const downloading = page.waitForEvent('download')
  await page.click('button[name=download]')
  const download = await downloading
  const file = join(artifacts, download.suggestedFilename())
  await download.saveAs(file)
  expect(readFileSync(file, 'utf8').split('\n').length > 1, 'the events download with their proofs')

  await context.close()
}

// Presses Tab until `selector` has the focus; a flow a keyboard cannot
// reach fails here.
async function tabTo (page, selector, pressesMax = 80) {
  for (let i = 0; i < pressesMax; i += 1) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`keyboard: \`${selector}\` cannot be reached with Tab on ${page.url()}`)
}

async function keyboardFlow (browser) {
  const context = await browser.newContext()
  const page = await context.newPage()
  watch(page, 'keyboard')
  await page.goto(`${base}/sign-in`)
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => document.activeElement.classList.contains('govuk-skip-link')),
    'the first Tab reaches the skip link')
  await tabTo(page, '#user')
  await page.keyboard.type(user)
  await tabTo(page, '#password')
  await page.keyboard.type(password)
  await page.keyboard.press('Enter')
  await page.waitForURL('**/start')

  await tabTo(page, 'input[name=purpose][value=demo]')
  await page.keyboard.press('Space')
  await tabTo(page, '#reason')
  await page.keyboard.type('investigation')
  await tabTo(page, '#justification')
  await page.keyboard.type('checking a complaint file using the keyboard')
  await tabTo(page, 'main button[type=submit]')
  await page.keyboard.press('Enter')
  await page.waitForURL('**/search')

  await tabTo(page, '#q')
  await page.keyboard.type(query)
  await page.keyboard.press('Enter')
  await page.waitForURL('**/search?**')
  await tabTo(page, 'main ol li h3 a')
  await page.keyboard.press('Enter')
  await page.waitForURL('**/entities/**')

  await tabTo(page, 'form[action$="/reveal"] input[type=checkbox]')
  await page.keyboard.press('Space')
  await tabTo(page, 'form[action$="/reveal"] button')
  await page.keyboard.press('Enter')
  await page.waitForURL('**/reveal')
  expect(await page.locator('[data-app-revealed]').count() > 0, 'keyboard: the reveal shows the value')
  await check(page, 'keyboard-revealed')
  await context.close()
}

const browser = await chromium.launch({ executablePath: env('CHROMIUM'), args: ['--no-sandbox'] })
let failed = null
try {
  await mouseFlow(browser)
  await overseerFlow(browser)
  await stewardFlow(browser)
  await keyboardFlow(browser)
} catch (err) {
  failed = err
} finally {
  await browser.close()
}
writeFileSync(join(artifacts, 'report.json'), JSON.stringify({ checked, problems, failed: failed && String(failed) }, null, 2))
for (const p of problems) console.error(p)
if (failed) console.error(`driver: ${failed.stack || failed}`)
console.log(`driver: ${checked.length} pages checked, ${problems.length} problems; screenshots in ${artifacts}`)
process.exit(failed || problems.length > 0 ? 1 : 0)
