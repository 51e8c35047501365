// Errors: every core code reaches JS as err.code, with message, requestId and (validation) errors.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'

const require = createRequire(import.meta.url)
const ecr = require('../index.js')

test('errorCodes lists the core codes once each', () => {
  const codes = ecr.errorCodes()
  assert.ok(codes.length >= 22)
  assert.equal(new Set(codes).size, codes.length)
  assert.ok(codes.includes('RepositoryNotFound'))
  assert.ok(codes.includes('PolicyValidation'))
})

for (const code of ecr.errorCodes()) {
  test(`code ${code} is thrown and rejected as err.code`, async () => {
    assert.throws(
      () => ecr.__sampleError(code),
      (err) => {
        assert.ok(err instanceof Error)
        assert.equal(err.code, code)
        assert.ok(err.message.length > 0)
        assert.ok('requestId' in err)
        return true
      },
    )
    await assert.rejects(ecr.__sampleErrorAsync(code), (err) => {
      assert.ok(err instanceof Error)
      assert.equal(err.code, code)
      return true
    })
  })
}

test('request id is kept, and null when there is none', () => {
  assert.throws(
    () => ecr.__sampleError('Throttled'),
    (err) => err.requestId === 'sample-request-id' && err.message.includes('sample-request-id'),
  )
  assert.throws(
    () => ecr.__sampleError('NoRegion'),
    (err) => err.requestId === null,
  )
})

test('policy validation errors carry every {path, message}', async () => {
  const expected = [
    { path: 'rules[0].selection.countNumber', message: 'must be at least 1' },
    { path: '', message: 'document has no rules' },
  ]
  assert.throws(
    () => ecr.__sampleError('PolicyValidation'),
    (err) => {
      assert.deepEqual(err.errors, expected)
      return true
    },
  )
  await assert.rejects(ecr.__sampleErrorAsync('PolicyValidation'), (err) => {
    assert.deepEqual(err.errors, expected)
    return true
  })
  assert.throws(
    () => ecr.__sampleError('AccessDenied'),
    (err) => !('errors' in err),
  )
})

test('transport errors keep their cause in the message', () => {
  assert.throws(
    () => ecr.__sampleError('Transport'),
    (err) => err.code === 'Transport' && err.message.includes('connection reset'),
  )
})

test('an unknown sample code is an InvalidArgument', () => {
  assert.throws(
    () => ecr.__sampleError('NoSuchCode'),
    (err) => err.code === 'InvalidArgument' && err.message.includes('NoSuchCode'),
  )
})

test('a panic in sync code throws code Internal instead of crashing', () => {
  assert.throws(
    () => ecr.__panic('boom in sync code'),
    (err) => err.code === 'Internal' && err.message.includes('boom in sync code'),
  )
})

test('a panic in a task rejects with code Internal', async () => {
  await assert.rejects(
    ecr.__panicAsync('boom in a task'),
    (err) => err.code === 'Internal' && err.message.includes('boom in a task'),
  )
  assert.equal(await ecr.__panicAsync(''), undefined)
})
