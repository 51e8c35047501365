// The semver helpers (tagging::semver, applyBuildMetadata) and a build context's derived facts.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const api = require('../index.js')

const RELEASED = ['v2.0.1', 'v1.9.3', '1.9', 'latest', 'v3.0.0-rc.1', 'sha-abc1234', '1.8.0_abc']

test('parseVersion and isPrerelease', () => {
  assert.deepEqual(api.tagging.parseVersion(' =1.2.3-rc.1+b7 '), {
    version: '1.2.3-rc.1+b7', major: 1, minor: 2, patch: 3, pre: 'rc.1', build: 'b7', prerelease: true,
  })
  assert.equal(api.tagging.parseVersion('v1.2.3').version, '1.2.3')
  assertShape(api.tagging.parseVersion('v1.2.3'), 'ParsedVersion')
  assert.equal(api.tagging.parseVersion('v1.2.3').prerelease, false)
  assert.equal(api.tagging.parseVersion('1.2'), null)
  assert.equal(api.tagging.parseVersion('release-1'), null)
  assert.equal(api.tagging.isPrerelease('2.0.0-beta.1'), true)
  assert.equal(api.tagging.isPrerelease('v2.0.0'), false)
  assert.throws(() => api.tagging.isPrerelease('latest'), { code: 'InvalidArgument' })
})

test('highestReleased and mayRollTo (backports never roll newer lines)', () => {
  assert.equal(api.tagging.highestReleased(RELEASED), '2.0.1')
  assert.equal(api.tagging.highestReleased(RELEASED, { version: '1.9.4', line: 'major' }), '1.9.3')
  assert.equal(api.tagging.highestReleased(RELEASED, { version: '1.8.5', line: 'minor' }), '1.8.0+abc')
  assert.equal(api.tagging.highestReleased(RELEASED, { version: '4.0.0', line: 'major' }), null)
  assert.equal(api.tagging.highestReleased(['latest', 'v3.0.0-rc.1']), null)
  assert.equal(api.tagging.highestReleased(['app-1.4.0-alpine', 'app-1.5.0-alpine'], { prefix: 'app-', suffix: '-alpine' }), '1.5.0')
  assert.throws(() => api.tagging.highestReleased(RELEASED, { line: 'major' }), { code: 'InvalidArgument' })
  assert.throws(() => api.tagging.highestReleased(RELEASED, { version: '1.9.4', line: 'patch' }), { code: 'InvalidArgument' })
  assert.equal(api.tagging.mayRollTo('1.9.4', RELEASED), false)
  assert.equal(api.tagging.mayRollTo('1.9.4', RELEASED, { line: 'major' }), true)
  assert.equal(api.tagging.mayRollTo('1.9.4', RELEASED, { line: 'minor' }), true)
  assert.equal(api.tagging.mayRollTo('1.9.2', RELEASED, { line: 'minor' }), false)
  assert.equal(api.tagging.mayRollTo('2.0.2', RELEASED), true)
  assert.equal(api.tagging.mayRollTo('2.0.1+rebuild', RELEASED), true)
  assert.equal(api.tagging.mayRollTo('1.9.2', []), true)
  assert.throws(() => api.tagging.mayRollTo('main', RELEASED), { code: 'InvalidArgument' })
})

test('applyBuildMetadata', () => {
  assert.equal(api.tagging.applyBuildMetadata('v1.2.3+abc'), 'v1.2.3_abc')
  assert.equal(api.tagging.applyBuildMetadata('v1.2.3+abc', 'hyphen'), 'v1.2.3-abc')
  assert.equal(api.tagging.applyBuildMetadata('v1.2.3+abc', 'drop'), 'v1.2.3')
  assert.equal(api.tagging.applyBuildMetadata('v1.2.3+abc', 'reject'), null)
  assert.equal(api.tagging.applyBuildMetadata('v1.2.3', 'reject'), 'v1.2.3')
  assert.throws(() => api.tagging.applyBuildMetadata('v1.2.3+abc', 'plus'), { code: 'InvalidArgument' })
})

test('describeBuildContext and normalizeGitRef', () => {
  const sha = '0123456789ABCDEF0123456789abcdef01234567'
  assert.deepEqual(api.tagging.describeBuildContext({ sha, ref: 'refs/heads/main', defaultBranch: 'main' }), {
    ref: 'refs/heads/main', branch: 'main', tag: null, pullRequest: null, event: 'push', isDefaultBranch: true,
    shortSha: '0123456',
  })
  const pr = api.tagging.describeBuildContext(
    { sha, ref: 'refs/merge-requests/12/merge', headRef: 'feat/x', defaultBranch: 'main' }, { shaLength: 10 })
  assertShape(pr, 'BuildContextFacts')
  assert.equal(pr.ref, 'refs/pull/12/head')
  assert.equal(pr.branch, 'feat/x')
  assert.equal(pr.pullRequest, 12)
  assert.equal(pr.event, 'pull_request')
  assert.equal(pr.isDefaultBranch, false)
  assert.equal(pr.shortSha, '0123456789')
  const tag = api.tagging.describeBuildContext('{"ref": "refs/tags/v1.2.3"}')
  assert.equal(tag.tag, 'v1.2.3')
  assert.equal(tag.branch, null)
  assert.equal(tag.shortSha, null)
  assert.equal(api.tagging.describeBuildContext({ ref: 'refs/heads/x', isDefaultBranch: true }).isDefaultBranch, true)
  assert.throws(() => api.tagging.describeBuildContext({ ref: 'main' }), { code: 'InvalidArgument' })
  assert.equal(api.tagging.normalizeGitRef('refs/pull/12/merge'), 'refs/pull/12/head')
  assert.equal(api.tagging.normalizeGitRef('refs/merge-requests/7/head'), 'refs/pull/7/head')
  assert.equal(api.tagging.normalizeGitRef('refs/heads/feat/x'), 'refs/heads/feat/x')
  assert.throws(() => api.tagging.normalizeGitRef('main'), { code: 'InvalidArgument' })
  assert.throws(() => api.tagging.normalizeGitRef('refs/pull/x/merge'), { code: 'InvalidArgument' })
})
