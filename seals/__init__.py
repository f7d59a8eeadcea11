"""The centre's electronic seal: its certificate and key (uploaded by the administrator, the key
stored encrypted), sealing the PDFs that leave the centre (PAdES, by pyHanko), and checking a
sealed PDF's seal. The documents app calls it from its render path and its document page."""

import warnings

from cryptography.utils import CryptographyDeprecationWarning

# pyHanko imports cryptography's DSA names (for DSA signatures, which the seal never uses): the
# deprecation is quieted before any module of this app imports it, or every process start prints it.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=CryptographyDeprecationWarning)
