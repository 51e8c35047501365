// The small pure helpers: ImageReference / RegistryHost builders, the verify check policy table, scan
// severities and report formats, and the strict findings reader.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { root } from './emulator.mjs'

const require = createRequire(import.meta.url)
const api = require('../index.js')

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4)
const OTHER = 'sha256:' + 'f'.repeat(64)
const SCAN = join(root, 'fixtures', 'scan')

test('reference builders replace and drop tag and digest', () => {
  const ref = `${HOST}/team/app:v1@${DIGEST}`
  assert.equal(api.referenceWithTag(ref, 'v2'), `${HOST}/team/app:v2@${DIGEST}`)
  assert.equal(api.referenceWithDigest(ref, OTHER), `${HOST}/team/app:v1@${OTHER}`)
  assert.equal(api.referenceWithoutTag(ref), `${HOST}/team/app@${DIGEST}`)
  assert.equal(api.referenceWithoutDigest(ref), `${HOST}/team/app:v1`)
  assert.equal(api.referenceWithoutTag(`${HOST}/team/app`), `${HOST}/team/app`)
  assert.equal(api.referenceWithTag(`${HOST}/team/app`, 'latest'), `${HOST}/team/app:latest`)
  assert.equal(api.referenceRepositoryUri(ref), `${HOST}/team/app`)
})

test('reference builders check what they are given', () => {
  assert.throws(() => api.referenceWithTag(`${HOST}/team/app`, '-bad'), { code: 'InvalidReference' })
  assert.throws(() => api.referenceWithDigest(`${HOST}/team/app`, 'sha256:short'), { code: 'InvalidReference' })
  assert.throws(() => api.referenceWithoutTag('ghcr.io/acme/app:v1'), { code: 'InvalidReference' })
})

test('host builders', () => {
  const fips = api.hostWithFips(HOST, true)
  assert.equal(fips, '123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com')
  assert.equal(api.hostWithFips(fips, false), HOST)
  assert.equal(api.hostWithFips('public.ecr.aws', true), 'public.ecr.aws')
  const dual = api.hostWithDualStack(HOST, true)
  assert.equal(dual, '123456789012.dkr-ecr.eu-west-1.on.aws')
  assert.equal(api.hostWithDualStack(dual, false), HOST)
  assert.equal(api.hostWithDualStack('public.ecr.aws', true), 'ecr-public.aws.com')
  assert.equal(api.registryHost('123456789012', 'eu-west-1', { fips: true }), fips)
})

test('server URLs', () => {
  assert.equal(api.hostFromServerUrl(`https://${HOST}/v2/`), HOST)
  assert.equal(api.hostFromServerUrl(HOST), HOST)
  assert.equal(api.hostServerUrl(HOST), `https://${HOST}`)
  assert.throws(() => api.hostFromServerUrl(`http://${HOST}`), { code: 'InvalidReference' })
  assert.throws(() => api.hostFromServerUrl(`https://user@${HOST}`), { code: 'InvalidReference' })
})

test('partitions', () => {
  assert.deepEqual(api.partitionOfRegion('eu-west-1'), {
    name: 'aws',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'on.aws',
  })
  const cn = api.partitionOfRegion('cn-north-1')
  assert.deepEqual([cn.name, cn.dnsSuffix], ['aws-cn', 'amazonaws.com.cn'])
  assert.equal(api.partitionOfRegion('us-gov-west-1').name, 'aws-us-gov')
})

test('the default check policy, in report order', () => {
  const table = api.defaultCheckPolicy()
  const names = ['tags', 'integrity', 'platforms', 'non-root', 'labels', 'no-secrets', 'healthcheck', 'replication', 'referrers']
  assert.deepEqual(Object.keys(table), names)
  assert.deepEqual(api.checkNames(), names)
  assert.deepEqual([table.tags, table.healthcheck, table.referrers], ['required', 'warn', 'skip'])
})

test('checkPolicy applies the table, then the lists', () => {
  const table = api.checkPolicy({ labels: 'warn', referrers: 'required' }, { skip: 'labels', warn: ' tags ' })
  assert.deepEqual([table.labels, table.referrers, table.tags], ['skip', 'required', 'warn'])
  assert.deepEqual(api.checkPolicy(), api.defaultCheckPolicy())
  assert.throws(() => api.checkPolicy({ nope: 'warn' }), (e) => {
    assert.equal(e.code, 'InvalidArgument')
    assert.match(e.message, /nope/)
    return true
  })
  assert.throws(() => api.checkPolicy({ labels: 'REQUIRED' }), { code: 'InvalidArgument' })
  assert.throws(() => api.checkPolicy(null, { require: 'tags,bogus' }), { code: 'InvalidArgument' })
})

test('severities: parse and order', () => {
  assert.deepEqual(api.severities(), ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED', 'UNDEFINED'])
  assert.equal(api.parseSeverity(' high '), 'HIGH')
  assert.equal(api.parseSeverity('severe'), null)
  assert.equal(api.severityOfFinding('severe'), 'UNDEFINED')
  assert.equal(api.severityOfFinding(), 'UNDEFINED')
  assert.equal(api.severityOfFinding('critical'), 'CRITICAL')
  assert.ok(api.compareSeverity('CRITICAL', 'low') < 0)
  assert.equal(api.compareSeverity('low', 'LOW'), 0)
  assert.ok(api.compareSeverity('UNDEFINED', 'informational') > 0)
  assert.deepEqual(['LOW', 'CRITICAL', 'UNDEFINED', 'HIGH'].sort(api.compareSeverity), ['CRITICAL', 'HIGH', 'LOW', 'UNDEFINED'])
  assert.throws(() => api.compareSeverity('CRITICAL', 'severe'), { code: 'InvalidArgument' })
})

test('report formats and ScanDecision.render', () => {
  assert.equal(api.parseReportFormat('SARIF'), 'sarif')
  assert.equal(api.parseReportFormat('md'), 'markdown')
  assert.throws(() => api.parseReportFormat('html'), { code: 'InvalidArgument' })
  const decision = api.gateFindings(readFileSync(join(SCAN, 'basic_page.json'), 'utf8'), {}, { now: '2026-06-01T00:00:00Z' })
  assert.deepEqual(JSON.parse(decision.render('json')), decision.toJSON())
  assert.deepEqual(JSON.parse(decision.render('sarif')), decision.toSarif())
  assert.equal(decision.render('MD'), decision.toMarkdown())
  assert.throws(() => decision.render('html'), { code: 'InvalidArgument' })
})

test('the strict findings reader', () => {
  const text = readFileSync(join(SCAN, 'enhanced_page.json'), 'utf8')
  assert.deepEqual(api.parseFindingsStrict(text), api.parseFindings(text))
  const page = JSON.parse(text)
  page.imageScanFindings.enhancedFindings[0].severity = 7
  assert.throws(() => api.parseFindingsStrict(JSON.stringify([page])), (e) => {
    assert.equal(e.code, 'InvalidArgument')
    assert.match(e.message, /\[0\]\.imageScanFindings\.enhancedFindings\[0\]/)
    return true
  })
  assert.throws(() => api.parseFindingsStrict('[]'), { code: 'InvalidArgument' })
})

test('the credential policy check', () => {
  const stat = { source: 'profile', accessKeyKind: 'long-term', hasSessionToken: true, expiresAt: null }
  assert.equal(api.isLongLived(stat), true)
  assert.throws(() => api.checkCredentialPolicy(stat), (e) => {
    assert.equal(e.code, 'LongLivedCredentials')
    assert.match(e.message, /profile/)
    assert.match(e.message, /AKIA/)
    return true
  })
  api.checkCredentialPolicy(stat, { requireTemporaryCredentials: false })
  const sso = { source: 'sso', accessKeyKind: 'temporary', hasSessionToken: true, expiresAt: '2026-01-01T00:00:00Z' }
  assert.equal(api.isLongLived(sso), false)
  api.checkCredentialPolicy(sso)
  assert.throws(() => api.checkCredentialPolicy({ ...sso, source: 'process', hasSessionToken: false }), (e) => {
    assert.equal(e.code, 'LongLivedCredentials')
    assert.match(e.message, /session token/)
    return true
  })
  assert.throws(() => api.checkCredentialPolicy({ ...sso, source: 'credential_process' }), { code: 'InvalidArgument' })
  assert.throws(() => api.isLongLived({ ...sso, accessKeyKind: 'forever' }), { code: 'InvalidArgument' })
  assert.throws(() => api.isLongLived({ ...sso, expiresAt: 'soon' }), { code: 'InvalidArgument' })
  assert.throws(() => api.isLongLived('sso'), { code: 'InvalidArgument' })
})

test('tag text helpers', () => {
  assert.equal(api.isReservedTag('sha256-' + 'a'.repeat(64)), true)
  assert.equal(api.isReservedTag('sha256-' + 'a'.repeat(64) + '.sig'), true)
  assert.equal(api.isReservedTag('sha256-' + 'a'.repeat(64) + '.txt'), false)
  assert.equal(api.isReservedTag('v1.2.3'), false)
  assert.equal(api.replaceIllegalRuns('feature/new login'), 'feature-new-login')
  assert.equal(api.fitTag('feature/x', { prefix: 'pr-' }), 'pr-feature-x')
  assert.equal(api.fitTag('...'), null)
  const long = api.fitTag('a'.repeat(200), { suffix: '-amd64' })
  assert.equal(long.length, 128)
  assert.ok(long.endsWith('-amd64'))
  assert.notEqual(long, api.fitTag('a'.repeat(199) + 'b', { suffix: '-amd64' }))
})

test('platform normal form and image id', () => {
  assert.equal(api.normalizePlatform('Linux/aarch64/v8'), 'linux/arm64')
  assert.equal(api.normalizePlatform('linux/x86_64'), 'linux/amd64')
  assert.equal(api.normalizePlatform('linux/arm/v7'), 'linux/arm/v7')
  assert.throws(() => api.normalizePlatform('linux'), { code: 'InvalidArgument' })
  assert.deepEqual(api.referenceImageId(`${HOST}/team/app:v1@${DIGEST}`), { imageDigest: DIGEST, imageTag: 'v1' })
  assert.deepEqual(api.referenceImageId(`${HOST}/team/app:v1`), { imageTag: 'v1' })
  assert.equal(api.referenceImageId(`${HOST}/team/app`), null)
})
