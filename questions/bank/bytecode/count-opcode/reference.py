import dis


def count_ops(func, opname):
    return sum(1 for ins in dis.get_instructions(func) if ins.opname == opname)
