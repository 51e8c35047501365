/* Shapes of the plain objects ecr-core resolves with (ECR's camelCase JSON; timestamps are RFC 3339). */

/** A tag or a digest naming one image. */
export interface ImageId {
  imageDigest?: string
  imageTag?: string
}

/** A repository as DescribeRepositories reports it. */
export interface Repository {
  repositoryName: string
  repositoryArn: string
  registryId: string
  repositoryUri: string
  createdAt?: string
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
  imageTagMutabilityExclusionFilters: string[]
  scanOnPush: boolean
  encryptionType: string
  kmsKey?: string
}

/** One image as DescribeImages reports it. */
export interface ImageDetail {
  registryId?: string
  repositoryName?: string
  imageDigest: string
  imageTags: string[]
  imageSizeInBytes?: number
  imagePushedAt?: string
  imageManifestMediaType?: string
  artifactMediaType?: string
  lastRecordedPullTime?: string
  imageStatus: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  lastArchivedAt?: string
  lastActivatedAt?: string
  subjectManifestDigest?: string
}

/** Settings of a new repository; missing keys keep the recommended values. */
export interface RepositorySettings {
  tagMutability?: Repository['imageTagMutability']
  exclusionFilters?: string[]
  scanOnPush?: boolean
  kmsKey?: string | null
}

/** What `parseReference` returns: the `parse_reference` program's JSON object (null where absent). */
export interface ParsedReference {
  input: string
  ok: true
  kind: 'private' | 'public'
  registry_id: string | null
  region: string | null
  fips: boolean
  dual_stack: boolean
  dns_suffix: string | null
  repository: string | null
  tag: string | null
  digest: string | null
}

/** One problem of a policy document: its JSON path and what is wrong. */
export interface FieldError {
  path: string
  message: string
}

/** The errors ecr-core throws and rejects with. */
export interface EcrError extends Error {
  /** The stable error code (one of `errorCodes()`, or `"Internal"` for a bug in ecr-core). */
  code: string
  /** The AWS request id, when the service returned one. */
  requestId: string | null
  /** For `code === "PolicyValidation"`: every problem found. */
  errors?: FieldError[]
}

/**
 * Which binding artifact the generated loader actually loaded: `'native'` for
 * a native addon, otherwise the `platformArchABI` of the WASI flavor. Every
 * flavor napi-rs can build is listed, because `NAPI_RS_NATIVE_LIBRARY_PATH`
 * can point the loader at a WASI artifact this package does not build itself.
 */
export declare const __napiBindingTarget: 'native' | 'wasm32-wasi' | 'wasm32-wasip1'

/**
 * An ECR client whose methods return Promises of plain objects (ECR's camelCase JSON shape).
 *
 * Rejections are `Error`s with a stable `code` (e.g. `"RepositoryNotFound"`), `message` and `requestId`.
 * The AWS configuration is loaded on the first call; configuration errors (`code: "NoRegion"`) reject it.
 */
export declare class EcrClient {
  /** Creates a client; `options` override the AWS configuration chain. */
  constructor(options?: EcrClientOptions | undefined | null)
  /** The region given in the options (`null` when it comes from the AWS configuration chain). */
  get region(): string | null
  /** The endpoint given in the options (`null` when it comes from the AWS configuration chain). */
  get endpointUrl(): string | null
  /** Describes one repository; rejects with `code: "RepositoryNotFound"` when it does not exist. */
  describeRepository(name: string): Promise<Repository>
  /**
   * Creates a repository and resolves with it. `settings` (`RepositorySettings` shape) override the
   * recommended values (immutable tags, scan on push, AES256); unknown keys reject with
   * `code: "InvalidArgument"`.
   */
  createRepository(name: string, settings?: RepositorySettings | null): Promise<Repository>
  /** Every repository of the registry (all pages). */
  listRepositories(): Promise<Repository[]>
  /**
   * Every image of a repository (all pages), or only those named by `imageIds` (items:
   * `{ imageDigest }` / `{ imageTag }` objects, or strings: `sha256:...` is a digest, anything else a tag).
   */
  describeImages(repository: string, imageIds?: Array<ImageId | string> | null): Promise<ImageDetail[]>
  /** Puts an image manifest, optionally under a tag; resolves with the stored image's id. */
  putImage(repository: string, manifest: string, options?: PutImageOptions | undefined | null): Promise<ImageId>
}

/** Test hook: panics inside a guarded call (must throw an error with `code: "Internal"`). */
export declare function __panic(message: string): void

/**
 * Test hook: a Promise whose task panics (must reject with `code: "Internal"`); resolves when `message`
 * is empty.
 */
export declare function __panicAsync(message: string): Promise<void>

/** Test hook: throws the JS error of ecr-core's sample error of `code`. */
export declare function __sampleError(code: string): void

/** Test hook: the same error as a rejected Promise. */
export declare function __sampleErrorAsync(code: string): Promise<void>

/**
 * Options of an `EcrClient`; unset ones come from the AWS configuration chain (`AWS_REGION`,
 * `AWS_PROFILE`, `AWS_ENDPOINT_URL`, shared config files, SSO, web identity, instance roles).
 */
export interface EcrClientOptions {
  /** The AWS region. */
  region?: string
  /** A named profile of the shared AWS config files. */
  profile?: string
  /** An explicit ECR endpoint (e.g. a local emulator). */
  endpointUrl?: string
}

/** Every stable error code an ecr-core error can carry as `err.code` (besides `"Internal"` for bugs). */
export declare function errorCodes(): Array<string>

/**
 * Parses a registry host, server URL (`https://...`) or image reference by the `parse_reference` program's
 * rule and returns its JSON object (`input`, `ok`, `kind`, `registry_id`, `region`, `fips`, `dual_stack`,
 * `dns_suffix`, `repository`, `tag`, `digest`). Throws `code: "InvalidReference"` naming what is wrong.
 */
export declare function parseReference(text: string): ParsedReference

/** Options of `EcrClient.putImage`. */
export interface PutImageOptions {
  /** The manifest media type (otherwise read from the manifest's `mediaType`). */
  mediaType?: string
  /** The tag to put the image under. */
  tag?: string
  /** The expected digest; ECR checks it against the manifest bytes. */
  digest?: string
}

/** The version of ecr-core this addon was built from. */
export declare function version(): string
