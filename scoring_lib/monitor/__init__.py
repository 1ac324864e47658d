"""Model monitoring: population stability (:mod:`.psi`, :mod:`.drift`), fairness by group
(:mod:`.fairness`), the model's curves (:mod:`.curves`), the statistics a bundle keeps
(:mod:`.statistics`) and ``scoring monitor`` (:mod:`.monitor`)."""
