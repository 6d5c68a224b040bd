// The part of the Reflect metadata API (the reflect-metadata proposal) that @peculiar/x509's
// dependency tsyringe needs at load: it refuses to load without Reflect.getMetadata, and uses
// getMetadata, getOwnMetadata and defineMetadata on classes. No polyfill package is installed;
// these few functions over a WeakMap do what those calls need. Import before @peculiar/x509.

type Store = Map<unknown, unknown>;
const stores = new WeakMap<object, Store>();

function own(target: object, create: boolean): Store | undefined {
  let store = stores.get(target);
  if (!store && create) stores.set(target, (store = new Map()));
  return store;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: object) => void own(target, true)!.set(key, value);
  reflect.getOwnMetadata = (key: unknown, target: object) => own(target, false)?.get(key);
  reflect.getMetadata = (key: unknown, target: object): unknown => {
    for (let at: object | null = target; at; at = Object.getPrototypeOf(at) as object | null) {
      const store = own(at, false);
      if (store?.has(key)) return store.get(key);
    }
    return undefined;
  };
  reflect.hasMetadata = (key: unknown, target: object) => (reflect.getMetadata as (k: unknown, t: object) => unknown)(key, target) !== undefined;
  reflect.metadata = (key: unknown, value: unknown) => (target: object) => void own(target, true)!.set(key, value);
}

export {};
