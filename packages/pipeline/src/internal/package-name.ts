/** The npm name of this package. */
export const PACKAGE_NAME = '@inference-ts/pipeline';
