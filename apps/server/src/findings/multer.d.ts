// The part of multer (a dependency of @nestjs/platform-express) the finding upload uses.
declare module 'multer' {
  import type { RequestHandler } from 'express';
  interface Options {
    storage?: unknown;
    limits?: { fileSize?: number; files?: number; fields?: number; fieldSize?: number; parts?: number };
  }
  interface Multer {
    array(field: string, maxCount?: number): RequestHandler;
  }
  interface MulterStatic {
    (options?: Options): Multer;
    memoryStorage(): unknown;
  }
  const multer: MulterStatic;
  export default multer;
}
