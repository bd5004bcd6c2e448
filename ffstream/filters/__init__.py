"""Filter design: the spectral filters (Hankel eigenvectors) and their features."""
