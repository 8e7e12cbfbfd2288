// dist/medcode.html, first script: defines `medcodeEmbedded` so the inline
// script after each embedded block can start decoding it (embedded.ts).

import { embeddedBlocks } from './embedded';

embeddedBlocks();
