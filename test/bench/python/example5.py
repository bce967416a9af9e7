"""The article's example 5 in Python 3: Pool(8) runs 16 tasks of 5 x 0.2 s sleep.

    python3 example5.py spawn|fork|forkserver

The program the article shows (print statements made Python 3 calls), with the
start method set first. It prints what the article's does; the benchmark times
the whole process, as it times ours (docs/examples/05-pool.ts).
"""
import multiprocessing
import os
import sys
import time


def run_proc(name):
    for i in range(5):
        time.sleep(0.2)
        print('Run child process %s (%s)' % (name, os.getpid()))


if __name__ == '__main__':
    multiprocessing.set_start_method(sys.argv[1])
    print('Run the main process (%s).' % (os.getpid()))
    main_start = time.time()
    p = multiprocessing.Pool(8)
    for i in range(16):
        p.apply_async(run_proc, args=('Process' + str(i),))
    print('Waiting for all subprocesses done ...')
    p.close()
    p.join()
    print('All subprocesses done')
    main_end = time.time()
    print('All process ran %0.2f seconds.' % (main_end - main_start))
