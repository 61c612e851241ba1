"""Publication: the training file formats, the train/validation split and the dataset card."""
