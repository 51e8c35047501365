// docker/metadata-action's own test table (fixtures/tagging/metadata-action/, ported from its
// __tests__/meta.test.ts) through buildContextFromEnv and TagStrategy.metadataAction: each case gives the
// action's version, tags, labels and annotations, or exactly the output differences.json records for it
// (the differences table in docs/tagging.md says why).
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { root } from './emulator.mjs'

const require = createRequire(import.meta.url)
const { TagStrategy, buildContextFromEnv } = require('../index.js').tagging

const dir = join(root, 'fixtures', 'tagging', 'metadata-action')
const readJson = (...p) => JSON.parse(readFileSync(join(dir, ...p), 'utf8'))
const repo = readJson('repo.json')
const differences = readJson('differences.json')
const cases = readdirSync(join(dir, 'cases'))
  .sort()
  .flatMap((f) => readJson('cases', f).cases)

// The context the action's tests give it: GitHub variables and event, the mocked repository facts and clock.
function context(c) {
  const env = { ...c.env }
  if (env.GITHUB_EVENT_PATH) env.GITHUB_EVENT_PATH = join(dir, 'events', env.GITHUB_EVENT_PATH)
  const ctx = buildContextFromEnv(env)
  return {
    ...ctx,
    created: repo.mockedNow,
    commitDate: repo.mockedNow,
    title: repo.name,
    source: repo.html_url,
    description: repo.description,
    licenses: repo.license.spdx_id,
    defaultBranch: ctx.defaultBranch ?? repo.default_branch,
  }
}

function run(c) {
  const { images, tags, flavor, labels, annotations } = c.inputs
  let out
  try {
    const strategy = TagStrategy.fromJson(JSON.stringify({ tags, flavor, labels, annotations }))
    out = strategy.metadataAction(context(c), images, c.expected.annotationLevels ?? [])
  } catch (err) {
    if (!err.code) throw err
    return { error: { code: err.code, paths: (err.errors ?? []).map((f) => f.path) } }
  }
  if (c.expected.json) return { ...c.expected, json: out.json }
  return {
    version: { main: out.version || null },
    tags: out.tags,
    labels: out.labels,
    // The action's tests read annotations without their level.
    annotations: out.annotations.map((a) => a.replace(/^manifest:/, '')),
  }
}

describe('metadata-action test table', () => {
  test('the whole table is ported', () => {
    assert.ok(cases.length >= 120, `${cases.length} cases`)
    assert.ok(cases.every((c) => c.source === '__tests__/meta.test.ts'))
    const names = new Set(cases.map((c) => c.test))
    for (const listed of Object.keys(differences)) assert.ok(names.has(listed), listed)
  })
  for (const c of cases) {
    test(c.test, () => {
      const got = run(c)
      const difference = differences[c.test]
      if (difference) {
        assert.deepEqual(got, difference.ecrCore)
        return
      }
      const expected = { ...c.expected }
      if (expected.version) expected.version = { main: expected.version.main }
      assert.deepEqual(got, expected)
    })
  }
})
