"""Training: the feature frame checked, cross-validation, business cost and threshold,
calibration, the candidate models, the final fit.

* :mod:`.inputs` — the feature frame, checked before any training (``FeatureFrameError``);
* :mod:`.cost` — business cost and the exact O(n log n) threshold search;
* :mod:`.metrics`, :mod:`.calibration` — scores of probabilities, leak-free calibration;
* :mod:`.estimators`, :mod:`.cv` — the candidate models and the K-fold runner (OOF);
* :mod:`.train` — selection, final fit, client scores;
* :mod:`.trainer` — :class:`~.trainer.Trainer`: the sequence CV → choose → calibrate →
  threshold → final fit → score → write, one method per step (the modelling notebook,
  tests and benchmarks call it).

Nothing is imported with the package: import from the modules.
"""
