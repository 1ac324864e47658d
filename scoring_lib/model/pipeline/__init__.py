"""The build pipeline: ``scoring build`` / ``scoring demo`` (features, papermill notebooks,
bundle) in :mod:`.build`, and the data and code fingerprints that decide whether a bundle is
up to date in :mod:`.fingerprint`."""
