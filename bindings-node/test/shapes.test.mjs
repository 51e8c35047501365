import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'

import { root } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

test('the generated shapes are current', () => {
  const run = spawnSync('python3', [join(root, 'scripts/gen-types'), '--check'], { encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
})

test('a value that does not fit is named', () => {
  assertShape({ imageDigest: `sha256:${'a'.repeat(64)}` }, 'ImageId')
  assert.throws(() => assertShape({ imageDigest: 7 }, 'ImageId'), /ImageId: \/imageDigest must be string/)
  assert.throws(() => assertShape({ repositoryName: 'x' }, 'Repository'), /repositoryArn/)
  assert.throws(() => assertShape({ imageTag: 'v1', extra: 1 }, 'ImageId'), /additionalProperty/)
})
