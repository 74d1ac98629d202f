// as2d: the AS2 partner endpoint. Everything happens in Daemon (daemon.h).
#include "daemon.h"

int main(int argc, char** argv) {
  as2d::Daemon daemon;
  return daemon.run(argc, argv);
}
