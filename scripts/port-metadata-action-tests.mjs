#!/usr/bin/env node
// Ports docker/metadata-action's own test table (__tests__/meta.test.ts and its fixtures) into
// fixtures/tagging/metadata-action/: events, inputs and expected version, tags, labels and annotations.
// Only test data is taken (Apache-2.0, attributed in the fixtures' README); none of the action's code.
//
// Usage: node scripts/port-metadata-action-tests.mjs <metadata-action checkout> <commit>
// where the checkout is a work tree of https://github.com/docker/metadata-action at <commit>.

import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs'
import { join, dirname, basename } from 'node:path'
import { fileURLToPath } from 'node:url'

const [src, commit] = process.argv.slice(2)
if (!src || !commit) {
  console.error('usage: port-metadata-action-tests.mjs <metadata-action checkout> <commit>')
  process.exit(2)
}
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tagging', 'metadata-action')
const testFile = '__tests__/meta.test.ts'
const text = readFileSync(join(src, testFile), 'utf8')

// The GitHub variables the action's context reads; the rest of each .env file is runner noise.
const ENV_KEYS = ['GITHUB_EVENT_NAME', 'GITHUB_REF', 'GITHUB_SHA', 'GITHUB_REPOSITORY', 'GITHUB_HEAD_REF',
  'GITHUB_BASE_REF', 'GITHUB_RUN_NUMBER', 'GITHUB_SERVER_URL']

function parseEnv(file) {
  const env = {}
  for (const line of readFileSync(join(src, '__tests__/fixtures', file), 'utf8').split('\n')) {
    const m = line.match(/^([A-Z_]+)=(.*)$/)
    if (m) env[m[1]] = m[2]
  }
  return env
}

// The parts of an event payload either side reads (default branch, pull request, commits, base ref).
function trimEvent(p) {
  const t = {}
  if (p.repository?.default_branch) t.repository = { default_branch: p.repository.default_branch }
  if (p.number !== undefined) t.number = p.number
  if (p.base_ref !== undefined) t.base_ref = p.base_ref
  if (p.pull_request) {
    const pr = p.pull_request
    t.pull_request = {
      number: pr.number,
      head: { sha: pr.head.sha, ref: pr.head.ref },
      base: { sha: pr.base.sha, ref: pr.base.ref }
    }
  }
  if (p.head_commit) t.head_commit = { id: p.head_commit.id, timestamp: p.head_commit.timestamp }
  if (p.commits) t.commits = p.commits.map((c) => ({ id: c.id, timestamp: c.timestamp }))
  if (p.schedule) t.schedule = p.schedule
  return t
}

const events = new Set()
function context(envFile, extra) {
  const env = parseEnv(envFile)
  const kept = { GITHUB_ACTIONS: 'true' }
  for (const k of ENV_KEYS) if (env[k] !== undefined) kept[k] = env[k]
  if (env.GITHUB_EVENT_PATH) {
    const name = basename(env.GITHUB_EVENT_PATH)
    const path = join(src, '__tests__/fixtures', name)
    if (existsSync(path)) {
      kept.GITHUB_EVENT_PATH = name
      events.add(name)
    }
  }
  return { envFile, env: { ...kept, ...extra } }
}

// Each `describe('<group>', ...)` block's `test.each([...])` table, evaluated as JavaScript once the
// TypeScript casts are removed.
function tables(source = text) {
  const groups = []
  const re = /describe\('([^']+)', \(\) => \{[\s\S]*?test\.each\(\[([\s\S]*?)\n {2}\]\)\('given/g
  // The enums tag.test.ts names, with the action's values.
  const scope = {
    Type: { Schedule: 'schedule', Semver: 'semver', Pep440: 'pep440', Match: 'match', Edge: 'edge', Ref: 'ref', Raw: 'raw', Sha: 'sha' },
    RefEvent: { Branch: 'branch', Tag: 'tag', PR: 'pr' },
    ShaFormat: { Short: 'short', Long: 'long' }
  }
  scope.DefaultPriorities = { schedule: '1000', semver: '900', pep440: '900', match: '800', edge: '700', ref: '600', raw: '200', sha: '100' }
  let m
  while ((m = re.exec(source))) {
    const body = m[2].replace(/ as (Inputs|Version|Tag\[\]|Tag|Flavor|string\[\])/g, '')
    const fn = new Function(...Object.keys(scope), `return [${body}]`)
    groups.push([m[1], fn(...Object.values(scope))])
  }
  return groups
}

const groups = {}
for (const [group, rows] of tables()) {
  const cases = []
  for (const row of rows) {
    if (typeof row[0] !== 'string' || typeof row[1] !== 'string' || !row[1].endsWith('.env')) continue
    const [name, envFile, inputs] = row
    const base = { source: testFile, test: `${group} > ${name}` }
    const inputsOut = {}
    for (const k of ['images', 'tags', 'flavor', 'labels', 'annotations']) inputsOut[k] = inputs[k] ?? []
    let ctx, expected
    if (group === 'json') {
      ctx = context(envFile, {})
      expected = { json: row[3], annotationLevels: ['manifest'] }
    } else if (['bakeFile', 'bakeFileTagsLabels', 'sepTags'].includes(group)) {
      continue
    } else {
      const [, , , version, tags, labels, annotations] = row
      ctx = context(envFile, group === 'pr-head-sha' ? { DOCKER_METADATA_PR_HEAD_SHA: 'true' } : {})
      expected = {
        version: { main: version.main ?? null, partial: version.partial, latest: version.latest },
        tags,
        labels,
        annotations: annotations ?? labels
      }
    }
    cases.push({ ...base, ...ctx, inputs: inputsOut, expected })
  }
  if (cases.length) groups[group] = cases
}

rmSync(join(out, 'cases'), { recursive: true, force: true })
rmSync(join(out, 'events'), { recursive: true, force: true })
mkdirSync(join(out, 'cases'), { recursive: true })
mkdirSync(join(out, 'events'), { recursive: true })
let total = 0
for (const [group, cases] of Object.entries(groups)) {
  total += cases.length
  writeFileSync(join(out, 'cases', `${group}.json`), JSON.stringify({ commit, cases }, null, 2) + '\n')
}
for (const name of events) {
  const payload = JSON.parse(readFileSync(join(src, '__tests__/fixtures', name), 'utf8'))
  writeFileSync(join(out, 'events', name), JSON.stringify(trimEvent(payload), null, 2) + '\n')
}
// The tests pin every date (build time, commit time) to this instant.
const mockedNow = text.match(/toISOString'\)\.mockImplementation\(\(\) => \{\s*return '([^']+)'/)[1]
// The parsers' own tables: tag lines (__tests__/tag.test.ts) and flavor lines (__tests__/flavor.test.ts),
// each row `[input, expected, invalid]`.
rmSync(join(out, 'parsers'), { recursive: true, force: true })
mkdirSync(join(out, 'parsers'), { recursive: true })
for (const file of ['tag', 'flavor']) {
  const source = `__tests__/${file}.test.ts`
  for (const [group, rows] of tables(readFileSync(join(src, source), 'utf8'))) {
    const cases = rows.map(([input, expected, invalid], i) => ({
      source,
      test: `${group} #${i + 1}`,
      input,
      ...(invalid ? { invalid: true } : { expected })
    }))
    writeFileSync(join(out, 'parsers', `${file}-${group}.json`), JSON.stringify({ commit, cases }, null, 2) + '\n')
    total += cases.length
  }
}

const repo = JSON.parse(readFileSync(join(src, '__tests__/fixtures/repo.json'), 'utf8'))
writeFileSync(
  join(out, 'repo.json'),
  JSON.stringify({
    name: repo.name,
    description: repo.description,
    html_url: repo.html_url,
    default_branch: repo.default_branch,
    license: { spdx_id: repo.license.spdx_id },
    mockedNow
  }, null, 2) + '\n'
)
console.log(`${total} cases (meta.test.ts in ${Object.keys(groups).length} groups, tag.test.ts, flavor.test.ts), ${events.size} events`)
