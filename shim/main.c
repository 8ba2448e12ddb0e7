#include <stdio.h>

int main(void) {
        fprintf(stderr, "ctrd-shim: not built yet\n");
        return 2;
}
