// wgsl_reflect's ES module build has no types of its own beside it: it has the package's types.
declare module 'wgsl_reflect/wgsl_reflect.module.js' {
  export * from 'wgsl_reflect';
}
