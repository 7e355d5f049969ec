"""The one error type of the head trainer: bad model folder, checkpoint or data. The message names
the file and the problem, and is raised before long work starts wherever that can be checked."""


class HeadError(ValueError):
    pass
