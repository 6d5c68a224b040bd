// Preloaded into a child process (`node --import tsx --import ./test/helpers/offlineFetch.ts …`):
// the process has no network but this machine (see offline.ts).
import { goOffline } from './offline';

goOffline();
