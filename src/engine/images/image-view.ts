// An image as listings and inspect show it: the record, its config and the names pointing at it.
import type { ImageRecord } from '../../core/images/image-record.js';
import type { ImageConfigFile } from '../../spec/oci/image.js';

export interface ImageView {
  record: ImageRecord;
  config: ImageConfigFile;
  /** Full names pointing at it. */
  names: string[];
}
