// The small pure helpers: ImageReference / RegistryHost builders, the verify check policy table, scan
// severities and report formats, and the strict findings reader.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'

import { root } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const api = require('../index.js')

const HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com'
const DIGEST = 'sha256:' + '0123456789abcdef'.repeat(4)
const OTHER = 'sha256:' + 'f'.repeat(64)
const SCAN = join(root, 'fixtures', 'scan')

const { ImageReference, RegistryHost } = api.reference

test('reference builders replace and drop tag and digest', () => {
  const ref = ImageReference.parse(`${HOST}/team/app:v1@${DIGEST}`)
  assert.equal(`${ref.withTag('v2')}`, `${HOST}/team/app:v2@${DIGEST}`)
  assert.equal(`${ref.withDigest(OTHER)}`, `${HOST}/team/app:v1@${OTHER}`)
  assert.equal(`${ref.withoutTag()}`, `${HOST}/team/app@${DIGEST}`)
  assert.equal(`${ref.withoutDigest()}`, `${HOST}/team/app:v1`)
  const bare = ImageReference.parse(`${HOST}/team/app`)
  assert.ok(bare.withoutTag().equals(bare))
  assert.equal(`${bare.withTag('latest')}`, `${HOST}/team/app:latest`)
  assert.equal(ref.repositoryUri, `${HOST}/team/app`)
  assert.equal(`${ref}`, `${HOST}/team/app:v1@${DIGEST}`, 'builders return new values')
})

test('reference builders check what they are given', () => {
  const bare = ImageReference.parse(`${HOST}/team/app`)
  assert.throws(() => bare.withTag('-bad'), { code: 'InvalidReference' })
  assert.throws(() => bare.withDigest('sha256:short'), { code: 'InvalidReference' })
  assert.throws(() => ImageReference.parse('ghcr.io/acme/app:v1'), { code: 'InvalidReference' })
})

test('host builders', () => {
  const host = RegistryHost.parse(HOST)
  const fips = host.withFips(true)
  assert.equal(`${fips}`, '123456789012.dkr.ecr-fips.eu-west-1.amazonaws.com')
  assert.ok(fips.fips)
  assert.ok(fips.withFips(false).equals(host))
  assert.ok(RegistryHost.public().withFips(true).equals(RegistryHost.parse('public.ecr.aws')))
  const dual = host.withDualStack(true)
  assert.equal(`${dual}`, '123456789012.dkr-ecr.eu-west-1.on.aws')
  assert.ok(dual.dualStack)
  assert.ok(dual.withDualStack(false).equals(host))
  assert.equal(`${RegistryHost.public().withDualStack(true)}`, 'ecr-public.aws.com')
  assert.ok(RegistryHost.private('123456789012', 'eu-west-1', { fips: true }).equals(fips))
})

test('server URLs', () => {
  assert.equal(`${RegistryHost.fromServerUrl(`https://${HOST}/v2/`)}`, HOST)
  assert.equal(`${RegistryHost.fromServerUrl(HOST)}`, HOST)
  assert.equal(RegistryHost.parse(HOST).serverUrl, `https://${HOST}`)
  assert.throws(() => RegistryHost.fromServerUrl(`http://${HOST}`), { code: 'InvalidReference' })
  assert.throws(() => RegistryHost.fromServerUrl(`https://user@${HOST}`), { code: 'InvalidReference' })
})

test('partitions', () => {
  assert.deepEqual(api.reference.partitionOfRegion('eu-west-1'), {
    name: 'aws',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'on.aws',
  })
  const cn = api.reference.partitionOfRegion('cn-north-1')
  assertShape(cn, 'PartitionInfo')
  assert.deepEqual([cn.name, cn.dnsSuffix], ['aws-cn', 'amazonaws.com.cn'])
  assert.equal(api.reference.partitionOfRegion('us-gov-west-1').name, 'aws-us-gov')
})

test('the default check policy, in report order', () => {
  const table = api.verify.defaultCheckPolicy()
  const names = ['tags', 'integrity', 'platforms', 'non-root', 'labels', 'no-secrets', 'healthcheck', 'replication', 'referrers']
  assert.deepEqual(Object.keys(table), names)
  assert.deepEqual(api.verify.checkNames(), names)
  assert.deepEqual([table.tags, table.healthcheck, table.referrers], ['required', 'warn', 'skip'])
})

test('checkPolicy applies the table, then the lists', () => {
  const table = api.verify.checkPolicy({ labels: 'warn', referrers: 'required' }, { skip: 'labels', warn: ' tags ' })
  assert.deepEqual([table.labels, table.referrers, table.tags], ['skip', 'required', 'warn'])
  assert.deepEqual(api.verify.checkPolicy(), api.verify.defaultCheckPolicy())
  assert.throws(() => api.verify.checkPolicy({ nope: 'warn' }), (e) => {
    assert.equal(e.code, 'InvalidArgument')
    assert.match(e.message, /nope/)
    return true
  })
  assert.throws(() => api.verify.checkPolicy({ labels: 'REQUIRED' }), { code: 'InvalidArgument' })
  assert.throws(() => api.verify.checkPolicy(null, { require: 'tags,bogus' }), { code: 'InvalidArgument' })
})

test('severities: parse and order', () => {
  assert.deepEqual(api.scan.severities(), ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNTRIAGED', 'UNDEFINED'])
  assert.equal(api.scan.parseSeverity(' high '), 'HIGH')
  assert.equal(api.scan.parseSeverity('severe'), null)
  assert.equal(api.scan.severityOfFinding('severe'), 'UNDEFINED')
  assert.equal(api.scan.severityOfFinding(), 'UNDEFINED')
  assert.equal(api.scan.severityOfFinding('critical'), 'CRITICAL')
  assert.ok(api.scan.compareSeverity('CRITICAL', 'low') < 0)
  assert.equal(api.scan.compareSeverity('low', 'LOW'), 0)
  assert.ok(api.scan.compareSeverity('UNDEFINED', 'informational') > 0)
  assert.deepEqual(['LOW', 'CRITICAL', 'UNDEFINED', 'HIGH'].sort(api.scan.compareSeverity), ['CRITICAL', 'HIGH', 'LOW', 'UNDEFINED'])
  assert.throws(() => api.scan.compareSeverity('CRITICAL', 'severe'), { code: 'InvalidArgument' })
})

test('report formats and ScanDecision.render', () => {
  assert.equal(api.scan.parseReportFormat('SARIF'), 'sarif')
  assert.equal(api.scan.parseReportFormat('md'), 'markdown')
  assert.throws(() => api.scan.parseReportFormat('html'), { code: 'InvalidArgument' })
  const decision = api.scan.gateFindings(readFileSync(join(SCAN, 'basic_page.json'), 'utf8'), {}, { now: '2026-06-01T00:00:00Z' })
  assert.deepEqual(JSON.parse(decision.render('json')), decision.toJSON())
  assert.deepEqual(JSON.parse(decision.render('sarif')), decision.toSarif())
  assert.equal(decision.render('MD'), decision.toMarkdown())
  assert.throws(() => decision.render('html'), { code: 'InvalidArgument' })
})

test('the strict findings reader', () => {
  const text = readFileSync(join(SCAN, 'enhanced_page.json'), 'utf8')
  assert.deepEqual(api.scan.parseFindingsStrict(text), api.scan.parseFindings(text))
  const page = JSON.parse(text)
  page.imageScanFindings.enhancedFindings[0].severity = 7
  assert.throws(() => api.scan.parseFindingsStrict(JSON.stringify([page])), (e) => {
    assert.equal(e.code, 'InvalidArgument')
    assert.match(e.message, /\[0\]\.imageScanFindings\.enhancedFindings\[0\]/)
    return true
  })
  assert.throws(() => api.scan.parseFindingsStrict('[]'), { code: 'InvalidArgument' })
})

test('the credential policy check', () => {
  const stat = { source: 'profile', accessKeyKind: 'long-term', hasSessionToken: true, expiresAt: null }
  assert.equal(api.auth.isLongLived(stat), true)
  assert.throws(() => api.auth.checkCredentialPolicy(stat), (e) => {
    assert.equal(e.code, 'LongLivedCredentials')
    assert.match(e.message, /profile/)
    assert.match(e.message, /AKIA/)
    return true
  })
  api.auth.checkCredentialPolicy(stat, { requireTemporaryCredentials: false })
  const sso = { source: 'sso', accessKeyKind: 'temporary', hasSessionToken: true, expiresAt: '2026-01-01T00:00:00Z' }
  assert.equal(api.auth.isLongLived(sso), false)
  api.auth.checkCredentialPolicy(sso)
  assert.throws(() => api.auth.checkCredentialPolicy({ ...sso, source: 'process', hasSessionToken: false }), (e) => {
    assert.equal(e.code, 'LongLivedCredentials')
    assert.match(e.message, /session token/)
    return true
  })
  assert.throws(() => api.auth.checkCredentialPolicy({ ...sso, source: 'credential_process' }), { code: 'InvalidArgument' })
  assert.throws(() => api.auth.isLongLived({ ...sso, accessKeyKind: 'forever' }), { code: 'InvalidArgument' })
  assert.throws(() => api.auth.isLongLived({ ...sso, expiresAt: 'soon' }), { code: 'InvalidArgument' })
  assert.throws(() => api.auth.isLongLived('sso'), { code: 'InvalidArgument' })
})

test('tag text helpers', () => {
  assert.equal(api.tagging.isReservedTag('sha256-' + 'a'.repeat(64)), true)
  assert.equal(api.tagging.isReservedTag('sha256-' + 'a'.repeat(64) + '.sig'), true)
  assert.equal(api.tagging.isReservedTag('sha256-' + 'a'.repeat(64) + '.txt'), false)
  assert.equal(api.tagging.isReservedTag('v1.2.3'), false)
  assert.equal(api.tagging.replaceIllegalRuns('feature/new login'), 'feature-new-login')
  assert.equal(api.tagging.fitTag('feature/x', { prefix: 'pr-' }), 'pr-feature-x')
  assert.equal(api.tagging.fitTag('...'), null)
  const long = api.tagging.fitTag('a'.repeat(200), { suffix: '-amd64' })
  assert.equal(long.length, 128)
  assert.ok(long.endsWith('-amd64'))
  assert.notEqual(long, api.tagging.fitTag('a'.repeat(199) + 'b', { suffix: '-amd64' }))
})

test('platform normal form and image id', () => {
  assert.equal(api.verify.normalizePlatform('Linux/aarch64/v8'), 'linux/arm64')
  assert.equal(api.verify.normalizePlatform('linux/x86_64'), 'linux/amd64')
  assert.equal(api.verify.normalizePlatform('linux/arm/v7'), 'linux/arm/v7')
  assert.throws(() => api.verify.normalizePlatform('linux'), { code: 'InvalidArgument' })
  assert.deepEqual(ImageReference.parse(`${HOST}/team/app:v1@${DIGEST}`).imageId(), { imageDigest: DIGEST, imageTag: 'v1' })
  assert.deepEqual(ImageReference.parse(`${HOST}/team/app:v1`).imageId(), { imageTag: 'v1' })
  assert.equal(ImageReference.parse(`${HOST}/team/app`).imageId(), null)
})
